"""The review workflow through its views: who may move a step, from where, and what the page says.

Step 2 (trainings) is used where a complete checklist is needed: one training with its
trainees completes it. Steps 3-5 are set by state only where their records do not matter.
"""

import datetime
import html
import importlib
import itertools
import os
import re

import pytest
from django.apps import apps
from django.utils import timezone

from communes import services
from communes.models import StepEvent, StepStatus
from tests.communes.test_awareness_models import make_training

pytestmark = pytest.mark.django_db
Status = StepStatus.Status
NS, IP, SU, VA, RE = (
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.SUBMITTED,
    Status.VALIDATED,
    Status.RETURNED,
)


def url(step, what):
    return f"/communes/oujda/pac/2022/steps/{step}/{what}/"


def set_state(cycle, step, state, by=None):
    StepStatus.objects.filter(cycle=cycle, step=step).update(
        status=state, changed_by=by, changed_at=timezone.now()
    )


def state(cycle, step):
    return cycle.steps.get(step=step).status


def page_of(response):
    """The page's text, entities decoded (an apostrophe in a message is escaped)."""
    return html.unescape(response.content.decode())


def text_of(fragment):
    """What a reader sees of a piece of page: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split()).replace(" ,", ",")


@pytest.fixture
def complete(cycle, editor):
    """Oujda's step 2 has a training with its trainees: its checklist is complete."""
    make_training(cycle, by=editor)
    return cycle


# --- Every state x action x role, through the views -------------------------------------------

ACTIONS = {
    "submit": ("submit", {}),
    "validate": ("review", {"decision": "validate"}),
    "return": ("review", {"decision": "return", "comment": "Ajoutez les évaluations."}),
    "reopen": ("reopen", {"reason": "Une session manque."}),
}
FROM = {"submit": {NS, IP, RE}, "validate": {SU}, "return": {SU}, "reopen": {VA}}
TO = {"submit": SU, "validate": VA, "return": RE, "reopen": IP}
ROLE_OF = {"submit": "editor", "validate": "reviewer", "return": "reviewer", "reopen": "reviewer"}
PERSONAS = {
    "editor": "editor",
    "viewer": "reader",
    "coordinator": "reviewer",
    "national": "reviewer",
    "other_coordinator": "outsider",
    "other_editor": "outsider",
}


@pytest.mark.parametrize(
    ("start", "action", "persona"), list(itertools.product(Status, ACTIONS, PERSONAS))
)
def test_every_state_action_and_role(client_for, personas, complete, start, action, persona):
    set_state(complete, 2, start)
    events = StepEvent.objects.count()
    path, data = ACTIONS[action]
    response = client_for(getattr(personas, persona)).post(url(2, path), data)
    role = PERSONAS[persona]
    if role == "outsider":
        expected = 404
    elif role != ROLE_OF[action]:
        expected = 403
    elif start in FROM[action]:
        expected = 302
    else:
        expected = 409
    assert response.status_code == expected
    if expected == 302:
        assert state(complete, 2) == TO[action]
        event = StepEvent.objects.latest("pk")
        assert (event.step, event.action, event.from_status, event.to_status, event.by) == (
            2,
            action,
            start,
            TO[action],
            getattr(personas, persona),
        )
    else:
        assert state(complete, 2) == start
        assert StepEvent.objects.count() == events
    if expected == 409:
        # The commune page again, with the reason.
        assert "Cette étape est" in page_of(response)


def test_wrong_method_and_anonymous(client, client_for, coordinator, complete):
    set_state(complete, 2, VA)
    for path in ("review", "reopen", "submit"):
        assert client_for(coordinator).get(url(2, path)).status_code == 405
    client.logout()
    response = client.post(url(2, "reopen"), {"reason": "x"})
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert state(complete, 2) == VA


# --- Validation: checklist and prerequisites, checked on the server ---------------------------


def test_an_incomplete_step_cannot_be_validated(client_for, coordinator, cycle):
    set_state(cycle, 2, SU)
    page = page_of(client_for(coordinator).get("/communes/oujda/"))
    assert 'value="validate"' not in page
    assert "Elle ne peut pas être validée tant que sa liste de contrôle est incomplète" in page
    response = client_for(coordinator).post(url(2, "review"), {"decision": "validate"})
    assert response.status_code == 409
    assert "sa liste de contrôle n'est pas complète" in page_of(response)
    assert "Au moins une formation avec ses stagiaires" in page_of(response)
    assert state(cycle, 2) == SU


def test_step_4_waits_for_step_3_to_be_submitted(client_for, coordinator, cycle):
    set_state(cycle, 3, IP)
    set_state(cycle, 4, SU)
    client = client_for(coordinator)
    card = page_of(client.get("/communes/oujda/")).split('id="step-4"')[1].split('id="step-5"')[0]
    assert "La validation attend que l'étape 3 soit soumise." in card
    assert 'value="validate"' not in card and 'value="return"' in card
    response = client.post(url(4, "review"), {"decision": "validate"})
    assert response.status_code == 409
    assert "La validation attend que l'étape 3 soit soumise." in page_of(response)
    assert state(cycle, 4) == SU
    # Once step 3 is sent, what stops step 4 is its own checklist.
    set_state(cycle, 3, SU)
    response = client.post(url(4, "review"), {"decision": "validate"})
    assert "sa liste de contrôle n'est pas complète" in page_of(response)


def test_validating_twice_is_refused_and_keeps_the_first_validation(
    client_for, coordinator, national, complete
):
    set_state(complete, 2, SU)
    client_for(coordinator).post(url(2, "review"), {"decision": "validate", "comment": "Bien."})
    response = client_for(national).post(url(2, "review"), {"decision": "validate"})
    assert response.status_code == 409
    assert "Cette étape est validée\u00a0: seule une étape soumise peut être validée." in page_of(
        response
    )
    step = complete.steps.get(step=2)
    assert (step.status, step.changed_by, step.comment) == (VA, coordinator, "Bien.")


def test_a_decision_on_a_page_older_than_the_step_is_refused(client_for, coordinator, complete):
    set_state(complete, 2, SU)
    seen = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    response = client_for(coordinator).post(
        url(2, "review"), {"decision": "validate", "seen": seen}
    )
    assert response.status_code == 409
    assert "Cette étape a changé après l'ouverture de la page" in page_of(response)
    assert state(complete, 2) == SU


def test_the_page_form_carries_what_it_showed(client_for, coordinator, complete):
    set_state(complete, 2, SU)
    client = client_for(coordinator)
    page = page_of(client.get("/communes/oujda/"))
    seen = page.split('id="step-2"')[1].split('name="seen" value="')[1].split('"')[0]
    response = client.post(url(2, "review"), {"decision": "validate", "seen": seen})
    assert response.status_code == 302
    assert state(complete, 2) == VA


# --- Return and reopen: comment, reason, confirmation -----------------------------------------


def test_return_needs_a_comment_shown_next_to_it(client_for, coordinator, complete):
    set_state(complete, 2, SU)
    response = client_for(coordinator).post(url(2, "review"), {"decision": "return"})
    assert response.status_code == 400
    page = page_of(response)
    assert 'id="review-comment-2-error">Indiquez ce que la commune doit modifier.' in page
    assert state(complete, 2) == SU


def test_unknown_decision_changes_nothing(client_for, coordinator, complete):
    set_state(complete, 2, SU)
    response = client_for(coordinator).post(url(2, "review"), {"decision": "maybe"})
    assert response.status_code == 400
    assert "Choisissez de valider l'étape ou de la renvoyer." in page_of(response)
    assert state(complete, 2) == SU


def test_reopen_needs_a_reason_and_keeps_what_was_chosen(client_for, coordinator, complete):
    set_state(complete, 2, VA)
    response = client_for(coordinator).post(url(2, "reopen"), {"reason": " ", "to": RE})
    assert response.status_code == 400
    page = page_of(response)
    assert 'id="reopen-reason-2-error">Indiquez pourquoi l\'étape est rouverte.' in page
    assert f'id="reopen-to-2-{RE}" checked' in page
    assert state(complete, 2) == VA


def test_reopen_as_returned_unlocks_the_step_for_the_editor(
    client_for, coordinator, editor, complete
):
    set_state(complete, 2, VA)
    client_for(coordinator).post(
        url(2, "reopen"), {"reason": "Deux stagiaires manquent.", "to": RE}
    )
    assert state(complete, 2) == RE
    page = page_of(client_for(editor).get("/communes/oujda/pac/2022/training/"))
    assert "/communes/oujda/pac/2022/training/new/" in page


@pytest.fixture
def adopted(cycle):
    """Steps 3, 4 and 5 validated: the PAC is adopted."""
    for step in (3, 4, 5):
        set_state(cycle, step, VA)
    return cycle


def test_reopening_step_3_names_the_later_steps_it_reopens(client_for, coordinator, adopted):
    client = client_for(coordinator)
    card = page_of(client.get("/communes/oujda/")).split('id="step-3"')[1].split('id="step-4"')[0]
    assert (
        "Étape 4, étape 5 sont validées et reposent sur les données de cette étape\u00a0: "
        "elles seront rouvertes aussi." in card
    )
    response = client.post(url(3, "reopen"), {"reason": "Un constat manque."})
    assert response.status_code == 400
    assert "Étape 4, étape 5, validées, reposent sur les données de cette étape" in page_of(
        response
    )
    assert [state(adopted, n) for n in (3, 4, 5)] == [VA, VA, VA]
    assert not StepEvent.objects.exists()

    response = client.post(url(3, "reopen"), {"reason": "Un constat manque.", "confirm": "4,5"})
    assert response.status_code == 302
    assert [state(adopted, n) for n in (3, 4, 5)] == [IP, IP, IP]
    events = list(StepEvent.objects.order_by("pk").values_list("step", "action", "with_step"))
    assert events == [(4, "reopen", 3), (5, "reopen", 3), (3, "reopen", None)]
    card = page_of(client.get("/communes/oujda/")).split('id="step-5"')[1]
    assert "Rouverte (en cours), avec l'étape 3" in text_of(card)
    assert "Un constat manque." in card


def test_a_confirmation_for_other_steps_than_those_validated_is_refused(
    client_for, coordinator, adopted
):
    # Step 4 was validated after the page showed only step 5 as affected.
    response = client_for(coordinator).post(
        url(3, "reopen"), {"reason": "Un constat manque.", "confirm": "5"}
    )
    assert response.status_code == 400
    assert state(adopted, 3) == VA


def test_reopening_a_step_nothing_validated_rests_on_asks_no_confirmation(
    client_for, coordinator, cycle
):
    set_state(cycle, 3, VA)
    set_state(cycle, 4, SU)
    client = client_for(coordinator)
    response = client.post(url(3, "reopen"), {"reason": "Un constat manque."})
    assert response.status_code == 302
    # Step 4 stays submitted, but may no longer be validated until step 3 is sent again.
    assert [state(cycle, 3), state(cycle, 4)] == [IP, SU]
    card = page_of(client.get("/communes/oujda/")).split('id="step-4"')[1]
    assert "La validation attend que l'étape 3 soit soumise." in card


def test_returning_step_4_reopens_a_validated_step_5_once_confirmed(client_for, coordinator, cycle):
    set_state(cycle, 3, VA)
    set_state(cycle, 4, SU)
    set_state(cycle, 5, VA)
    client = client_for(coordinator)
    response = client.post(url(4, "review"), {"decision": "return", "comment": "Vote manquant."})
    assert response.status_code == 400
    assert state(cycle, 5) == VA
    client.post(
        url(4, "review"), {"decision": "return", "comment": "Vote manquant.", "confirm": "5"}
    )
    assert [state(cycle, 4), state(cycle, 5)] == [RE, RE]


# --- The thread --------------------------------------------------------------------------------


def test_the_thread_shows_every_move_in_french_and_arabic(
    client, client_for, editor, coordinator, viewer, complete
):
    editor_client = client_for(editor)
    editor_client.post(url(2, "submit"))
    reviewer = client_for(coordinator)
    reviewer.post(url(2, "review"), {"decision": "return", "comment": "Ajoutez les évaluations."})
    client_for(editor).post(url(2, "submit"))
    client_for(coordinator).post(url(2, "review"), {"decision": "validate"})
    client_for(coordinator).post(url(2, "reopen"), {"reason": "Un stagiaire en double."})
    assert list(
        StepEvent.objects.filter(step=2).order_by("pk").values_list("action", flat=True)
    ) == ["start", "submit", "return", "submit", "validate", "reopen"]

    reader = client_for(viewer)
    card = page_of(reader.get("/communes/oujda/")).split('id="step-2"')[1].split('id="step-3"')[0]
    assert "Historique de l'examen (6 évènements)" in card
    card = text_of(card)
    for text in (
        "Soumise pour examen",
        "Renvoyée à la commune",
        "Ajoutez les évaluations.",
        "Validée",
        "Rouverte (en cours)",
        "Un stagiaire en double.",
        str(coordinator),
        str(editor),
    ):
        assert text in card, text
    client.cookies["prim_language"] = "ar"
    card = page_of(reader.get("/communes/oujda/")).split('id="step-2"')[1].split('id="step-3"')[0]
    assert "سجل المراجعة (6 أحداث)" in card
    assert "أعيدت إلى الجماعة" in card and "Ajoutez les évaluations." in card


def test_backfill_writes_one_event_per_step_under_way(cycle, coordinator):
    set_state(cycle, 1, VA, by=coordinator)
    StepStatus.objects.filter(cycle=cycle, step=1).update(comment="Conforme.")
    set_state(cycle, 2, RE, by=coordinator)
    migration = importlib.import_module("communes.migrations.0005_step_events_backfill")
    migration.backfill(apps, None)
    events = {e.step: e for e in StepEvent.objects.filter(cycle=cycle)}
    assert set(events) == {1, 2}  # steps not started have nothing to tell
    assert (events[1].action, events[1].from_status, events[1].to_status) == ("validate", "", VA)
    assert (events[1].by, events[1].comment) == (coordinator, "Conforme.")
    assert events[2].action == "return"


# --- Services used by the loaders --------------------------------------------------------------


def test_step_review_still_validates_and_returns(coordinator, complete):
    set_state(complete, 2, SU)
    services.step_review(cycle=complete, step=2, by=coordinator, validate=True)
    assert state(complete, 2) == VA


def test_reopen_leads_only_to_in_progress_or_returned(client_for, coordinator, complete):
    set_state(complete, 2, VA)
    response = client_for(coordinator).post(
        url(2, "reopen"), {"reason": "Un stagiaire en double.", "to": VA}
    )
    assert response.status_code == 400
    assert "Choisissez « en cours » ou « renvoyée à la commune »." in page_of(response)
    assert state(complete, 2) == VA


def test_the_demo_shows_a_returned_and_resubmitted_step(db):
    from django.core.management import call_command

    call_command("load_demo", allow_production=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    actions = StepEvent.objects.filter(cycle__commune__code="driouch", step=2).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["start", "submit", "return", "submit"]
    assert "résultats des tests" in actions[2].comment


def test_the_dossier_carries_each_step_thread(client_for, coordinator, complete):
    from communes.dossier import build_dossier

    set_state(complete, 2, SU)
    client_for(coordinator).post(url(2, "review"), {"decision": "return", "comment": "Tests ?"})
    steps = build_dossier(complete.commune)["cycles"][0]["steps"]
    assert [(e["action"], e["from"], e["to"]) for e in steps[1]["review"]] == [
        ("start", "not_started", "in_progress"),
        ("return", "submitted", "returned"),
    ]
    assert steps[1]["review"][1]["by"] == "coord.oriental"
    assert steps[1]["review"][1]["comment"] == "Tests ?"
    assert steps[0]["review"] == []


def test_the_editor_also_reads_what_validation_waits_for(client_for, editor, cycle):
    set_state(cycle, 4, SU)
    card = page_of(client_for(editor).get("/communes/oujda/")).split('id="step-4"')[1]
    assert "La validation attend que l'étape 3 soit soumise." in card.split('id="step-5"')[0]


def test_a_validated_step_page_says_only_a_reopening_unlocks_it(client_for, editor, complete):
    set_state(complete, 2, VA)
    page = page_of(client_for(editor).get("/communes/oujda/pac/2022/training/"))
    assert (
        "Cette étape est validée\u00a0: elle reste en lecture seule sauf si le coordinateur" in page
    )

"""Pages of steps 4-5: the access door for every view, then what an editor does there."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import (
    ActionCost,
    CouncilDeliberation,
    Criterion,
    IdeaDecision,
    IeecagOpinion,
    PacAction,
    Score,
)
from communes.models import StepStatus
from diagnostics.models import TargetGroup
from tests.access_matrix import READ, WRITE

from .conftest import build_ideas, decide, make_action, score_all


@pytest.fixture
def planned(cycle, ideas):
    """Oujda: four ideas scored 3, 2, 2, 1; the first two adopted, merged into A-01."""
    score_all(ideas, [3, 2, 2, 1])
    decide(ideas[:2])
    decide(ideas[2:], IdeaDecision.Outcome.POSTPONED, "Budget")
    return make_action(cycle, ideas[:2])


def _urls(planned):
    idea = planned.ideas.order_by("number").first()
    base = ["oujda", 2022]
    return {
        # name: (url, methods allowed, writes)
        "grid": (reverse("actions:grid", args=base), {"GET"}, False),
        "criteria": (reverse("actions:criteria", args=base), {"GET", "POST"}, True),
        "score": (reverse("actions:score", args=[*base, idea.uuid, "need"]), {"GET", "POST"}, True),
        "decision": (reverse("actions:decision", args=base), {"GET"}, False),
        "decision_save": (reverse("actions:decision_save", args=base), {"POST"}, True),
        "pac": (reverse("actions:pac", args=base), {"GET"}, False),
        "action": (reverse("actions:action", args=[*base, planned.uuid]), {"GET"}, False),
        "create": (reverse("actions:action_create", args=base), {"GET", "POST"}, True),
        "edit": (reverse("actions:action_edit", args=[*base, planned.uuid]), {"GET", "POST"}, True),
        "delete": (
            reverse("actions:action_delete", args=[*base, planned.uuid]),
            {"GET", "POST"},
            True,
        ),
    }


VIEWS = [
    "grid",
    "criteria",
    "score",
    "decision",
    "decision_save",
    "pac",
    "action",
    "create",
    "edit",
    "delete",
]


# What each page shows the users it lets in (the ``planned`` fixture).
SHOWS = {
    "grid": "Idea 4",
    "criteria": "Répond à un besoin relevé par le diagnostic",
    "score": "Idea 1",
    "decision": "Idea 3",
    "pac": "Idea 1",
    "action": "Accueillir et orienter.",
    "create": "Nouvelle fiche action",
    "edit": 'value="Idea 1"',
    "delete": "A-01",
}


@pytest.mark.parametrize("name", VIEWS)
def test_access(access, planned, name):
    url, methods, writes = _urls(planned)[name]
    access.check(
        url,
        WRITE if writes else READ,
        methods=tuple(sorted(m.lower() for m in methods)),
        shows=SHOWS.get(name),
    )


def test_a_record_of_another_commune_is_404(client_for, editor, planned, other_cycle):
    (foreign_idea,) = build_ideas(other_cycle, 1, prefix="SB ")
    decide([foreign_idea])
    foreign = make_action(other_cycle, [foreign_idea])
    client = client_for(editor)
    assert (
        client.get(reverse("actions:action", args=["oujda", 2022, foreign.uuid])).status_code == 404
    )
    assert (
        client.get(
            reverse("actions:score", args=["oujda", 2022, foreign_idea.uuid, "need"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("actions:score", args=["oujda", 2022, planned.ideas.first().uuid, "nonsense"])
        ).status_code
        == 404
    )


def test_a_submitted_step_is_read_only(client_for, editor, planned, cycle):
    StepStatus.objects.filter(cycle=cycle, step=5).update(status="submitted")
    client = client_for(editor)
    assert (
        client.get(reverse("actions:action_edit", args=["oujda", 2022, planned.uuid])).status_code
        == 403
    )
    page = client.get(reverse("actions:pac", args=["oujda", 2022])).content.decode()
    assert "/edit/" not in page and "/actions/new/" not in page


# --- The scoring grid -----------------------------------------------------------------------


def test_grid_shows_weighted_scores_ranks_and_ties(client_for, editor, planned, ideas):
    page = client_for(editor).get(reverse("actions:grid", args=["oujda", 2022])).content.decode()
    assert "100,0" in page and "66,7" in page and "33,3" in page  # French decimals
    assert page.count("ex æquo") == 2  # the two ideas scored 2 share rank 2
    assert 'hx-get="/communes/oujda/pac/2022/plan/scores/' in page


def test_htmx_cell_edit_returns_the_row_with_its_new_rank(client_for, editor, planned, ideas):
    client = client_for(editor)
    idea = ideas[3]  # scored 1 everywhere, rank 4
    url = reverse("actions:score", args=["oujda", 2022, idea.uuid, "need"])
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and b"<form" in form.content and b"<html" not in form.content
    score = Score.objects.get(idea=idea, criterion__kind="need")
    response = client.post(
        url,
        {"value": "3", "reason": "Besoin critique", "loaded_version": score.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<tr") and f'id="idea-{idea.uuid}"' in body
    assert "46,7" in body  # (20 x 3 + 80 x 1) / 3
    # The other rows' ranks come along out of band (ideas 2 and 3 still tie at rank 2).
    assert body.count('hx-swap-oob="true"') == 3
    score.refresh_from_db()
    assert (score.value, score.reason, score.version) == (3, "Besoin critique", 2)


def test_cell_edit_without_javascript(client_for, editor, planned, ideas):
    client = client_for(editor)
    url = reverse("actions:score", args=["oujda", 2022, ideas[0].uuid, "women"])
    page = client.get(url)
    assert b"<html" in page.content and b"hx-post" not in page.content
    score = Score.objects.get(idea=ideas[0], criterion__kind="women")
    response = client.post(url, {"value": "1", "reason": "", "loaded_version": score.version})
    assert response.status_code == 302
    assert response.url.endswith(f"/plan/#idea-{ideas[0].uuid}")


def test_bad_and_stale_scores_are_refused(client_for, editor, planned, ideas):
    client = client_for(editor)
    url = reverse("actions:score", args=["oujda", 2022, ideas[0].uuid, "need"])
    assert client.post(url, {"value": "5", "loaded_version": 1}).status_code == 400
    response = client.post(url, {"value": "1", "loaded_version": 1}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="idea-{ideas[0].uuid}"' in response.content.decode()  # its row, saved
    stale = client.post(url, {"value": "2", "loaded_version": 1}, headers={"HX-Request": "true"})
    assert stale.status_code == 409
    assert stale["HX-Retarget"] == f"#cell-{ideas[0].uuid}-need"
    assert "Quelqu'un d'autre a enregistré" in html.unescape(stale.content.decode())


def test_first_score_creates_the_cycle_criteria(client_for, editor, cycle):
    (idea,) = build_ideas(cycle, 1)
    client = client_for(editor)
    url = reverse("actions:score", args=["oujda", 2022, idea.uuid, "need"])
    assert client.post(url, {"value": "2", "reason": ""}).status_code == 302
    assert Criterion.objects.filter(cycle=cycle).count() == 7
    assert Score.objects.get().value == 2


def test_criteria_form_refuses_weights_not_adding_up_to_100(client_for, editor, planned, cycle):
    client = client_for(editor)
    url = reverse("actions:criteria", args=["oujda", 2022])
    page = client.get(url)
    versions = page.context["form"].fields["versions"].initial
    data = {f"weight_{c.kind}": c.weight for c in Criterion.objects.filter(cycle=cycle)}
    data |= {"weight_need": 30, "versions": versions}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "totalisent 110 %" in response.content.decode()
    data["weight_need"], data["weight_feasibility"] = 30, 5
    assert client.post(url, data).status_code == 302
    assert Criterion.objects.get(cycle=cycle, kind="need").weight == 30
    assert client.post(url, data).status_code == 409  # the same old versions again


# --- Decision page ------------------------------------------------------------------------------


def test_opinion_deliberation_and_decisions(client_for, editor, cycle, ideas):
    """One page, one save: the three parts together (see tests/actions/test_facts.py)."""
    client = client_for(editor)
    base = ["oujda", 2022]
    url = reverse("actions:decision_save", args=base)
    page = client.get(reverse("actions:decision", args=base))
    initial = page.context["formset"].initial
    data = {
        "opinion-date": "2023-01-20",
        "opinion-verdict": "favourable",
        "opinion-text": "Avis.",
        "deliberation-session": "ordinary",
        "deliberation-date": "2023-02-07",
        "deliberation-number": "07/2023",
        "deliberation-decision": "Adopté.",
        "decisions-TOTAL_FORMS": 4,
        "decisions-INITIAL_FORMS": 4,
    }
    for n, row in enumerate(initial):
        data[f"decisions-{n}-idea"] = row["idea"]
        data[f"decisions-{n}-outcome"] = "adopted" if n < 2 else "rejected"
        data[f"decisions-{n}-reason"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Indiquez le motif" in response.content.decode()
    assert not IdeaDecision.objects.exists()
    assert not IeecagOpinion.objects.exists() and not CouncilDeliberation.objects.exists()
    data["decisions-2-reason"] = data["decisions-3-reason"] = "Hors compétence"
    response = client.post(url, data)
    assert response.status_code == 302
    assert IeecagOpinion.objects.get(cycle=cycle).version == 1
    assert CouncilDeliberation.objects.get(cycle=cycle).number == "07/2023"
    assert IdeaDecision.objects.filter(outcome="adopted").count() == 2
    # The same form again is stale: the records changed since it was loaded.
    assert client.post(url, data).status_code == 409


# --- Action sheet ---------------------------------------------------------------------------


def _sheet(idea_pks, **extra):
    data = {
        "title": "Cellule d'accueil",
        "title_ar": "",
        "axis": "Axe 1",
        "sector": "",
        "competence": "own",
        "partner_convention": "",
        "objectives": "Accueillir.",
        "expected_results": "",
        "beneficiaries_women": "40",
        "beneficiaries_men": "30",
        "location": "Centre",
        "partners": "",
        "lead_service": "Affaires sociales",
        "start_date": "2023-01-01",
        "end_date": "2025-12-31",
        "gender_marker": "1",
        "migration_marker": "2",
        "status": "planned",
        "status_reason": "",
        "ideas": idea_pks,
        "costs-TOTAL_FORMS": 2,
        "costs-INITIAL_FORMS": 0,
        "costs-0-year": "2023",
        "costs-0-amount": "100000",
        "costs-1-year": "2024",
        "costs-1-amount": "50000",
        "financing-TOTAL_FORMS": 2,
        "financing-INITIAL_FORMS": 0,
        "financing-0-source": "prim",
        "financing-0-amount": "90000",
        "financing-0-status": "committed",
        "financing-0-detail": "",
        "financing-1-source": "commune",
        "financing-1-amount": "40000",
        "financing-1-status": "planned",
        "financing-1-detail": "",
        "indicators-TOTAL_FORMS": 1,
        "indicators-INITIAL_FORMS": 0,
        "indicators-0-name": "Personnes accueillies",
        "indicators-0-unit": "personnes",
        "indicators-0-target": "200",
        "indicators-0-frequency": "yearly",
        "indicators-0-by_sex": "on",
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 0,
        "milestones-0-title": "Local prêt",
        "milestones-0-done": "on",
    }
    data.update(extra)
    return data


def test_editor_fills_an_action_sheet(client_for, editor, cycle, ideas):
    from diagnostics.models import Sector

    decide(ideas[:1])
    client = client_for(editor)
    url = reverse("actions:action_create", args=["oujda", 2022])
    prefilled = client.get(url, {"idea": str(ideas[0].uuid)})
    assert prefilled.context["form"].initial["title"] == "Idea 1"
    sector = Sector.objects.get(code="reception-orientation").pk
    response = client.post(url, _sheet([ideas[0].pk], sector=sector))
    assert response.status_code == 302, response.context["form"].errors
    action = PacAction.objects.with_totals().get()
    assert (action.cost_total, action.financing_total) == (Decimal(150000), Decimal(130000))
    assert action.history.count() == 1 and action.costs.count() == 2
    follow = client.get(response.url)
    text = follow.content.decode().replace("\xa0", " ").replace("\u202f", " ")
    assert "20 000" in text  # the gap is a warning, shown on the sheet
    assert "Idea 1" in text and "Need 1" in text and "Workshop 1" in text  # the thread


def test_action_sheet_refuses_bad_input_with_field_messages(client_for, editor, cycle, ideas):
    from diagnostics.models import Sector

    decide(ideas[:1])
    client = client_for(editor)
    url = reverse("actions:action_create", args=["oujda", 2022])
    sector = Sector.objects.get(code="health").pk
    data = _sheet(
        [ideas[0].pk],
        sector=sector,
        competence="shared",
        **{
            "costs-1-year": "2031",
            "costs-0-amount": "-5",
            "start_date": "2020-01-01",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 400
    form, formsets = response.context["form"], response.context["formsets"]
    assert "partner_convention" in form.errors and "start_date" in form.errors
    assert "year" in formsets["costs"].forms[1].errors
    assert "amount" in formsets["costs"].forms[0].errors
    # Financing above the cost: refused, nothing written.
    response = client.post(
        url, _sheet([ideas[0].pk], sector=sector, **{"financing-1-amount": "70000"})
    )
    assert response.status_code == 400
    assert "dépasse le coût" in str(response.context["formsets"]["financing"].non_form_errors())
    assert not PacAction.objects.exists()


def test_edit_detects_concurrent_changes_and_delete(client_for, editor, planned):
    client = client_for(editor)
    url = reverse("actions:action_edit", args=["oujda", 2022, planned.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Idea 1"' in page.content.decode()  # the sheet as it is
    data = _sheet(
        [i.pk for i in planned.ideas.all()],
        sector=planned.sector_id,
        loaded_version=0,
        **{
            "costs-TOTAL_FORMS": 0,
            "financing-TOTAL_FORMS": 0,
            "indicators-TOTAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0,
            "costs-INITIAL_FORMS": 0,
        },
    )
    # Existing rows are not in this form: initial counts must match the database.
    for prefix, related in (
        ("costs", "costs"),
        ("financing", "financing"),
        ("indicators", "indicators"),
        ("milestones", "milestones"),
    ):
        rows = list(getattr(planned, related).order_by("pk"))
        data[f"{prefix}-INITIAL_FORMS"] = data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        for n, row in enumerate(rows):
            data[f"{prefix}-{n}-id"] = row.pk
    response = client.post(url, data)
    assert response.status_code in {400, 409}
    delete = client.post(reverse("actions:action_delete", args=["oujda", 2022, planned.uuid]))
    assert delete.status_code == 302 and not PacAction.objects.exists()
    assert IdeaDecision.objects.filter(outcome="adopted").count() == 2  # ideas stay adopted


def test_pac_page_shows_budget_shares_and_the_thread(client_for, viewer, planned, cycle, ideas):
    decide_more = build_ideas(cycle, 1, prefix="Extra ")
    decide(decide_more)
    make_action(
        cycle,
        decide_more,
        gender_marker=0,
        migration_marker=0,
        cost=Decimal("300000"),
        financing=Decimal("0"),
    )
    page = client_for(viewer).get(reverse("actions:pac", args=["oujda", 2022]))
    text = page.content.decode()
    # 100 000 with a gender marker of 1 out of 400 000: 25 %.
    assert page.context["gender_share"] == 25
    assert page.context["total_cost"] == Decimal(400000)
    assert "Pourquoi cette action est-elle dans le plan ?" in text
    assert "Workshop 1" in text and "Need 2" in text
    assert "/actions/new/" not in text  # a viewer gets no edit button


@pytest.mark.django_db
def test_action_sheet_in_arabic_shows_each_title_once_and_arabic_separators(
    client_for, editor, planned
):
    PacAction.objects.filter(pk=planned.pk).update(
        title="Cellule d'accueil", title_ar="خلية الاستقبال"
    )
    planned.target_groups.set(TargetGroup.objects.all()[:2])
    client = client_for(editor)
    client.cookies["prim_language"] = "ar"
    page = client.get(reverse("actions:action", args=["oujda", 2022, planned.uuid]))
    text = page.content.decode()
    assert text.count("خلية الاستقبال") == 1  # the heading, not repeated beneath it
    subtitle = '<p class="mb-0 text-body-secondary" dir="auto" lang="fr">Cellule d&#x27;accueil</p>'
    assert subtitle in text
    first, second = (g.name_ar for g in planned.target_groups.all())
    assert f"{first}؛ {second}" in text  # the Arabic semicolon, not ";"

    client.cookies["prim_language"] = "fr"
    text = client.get(reverse("actions:action", args=["oujda", 2022, planned.uuid])).content
    text = text.decode()
    assert text.count("Cellule d&#x27;accueil") == 1
    assert '<p class="mb-0 text-body-secondary" dir="rtl" lang="ar">خلية الاستقبال</p>' in text


@pytest.mark.django_db
def test_new_sheet_says_why_no_idea_is_left_to_tick(client_for, editor, planned):
    # The two adopted ideas are both in A-01 already.
    page = client_for(editor).get(reverse("actions:action_create", args=["oujda", 2022]))
    assert "Chaque idée adoptée a déjà sa fiche action." in html.unescape(page.content.decode())


@pytest.mark.django_db
def test_edit_form_lists_the_cost_years_in_order(client_for, editor, planned):
    # A-01 has a cost for 2023 only: the other years are offered again, all in year order.
    url = reverse("actions:action_edit", args=["oujda", 2022, planned.uuid])
    page = client_for(editor).get(url)
    years = re.findall(r'name="costs-\d+-year" value="(\d{4})"', page.content.decode())
    assert years == ["2022", "2023", "2024", "2025", "2026", "2027"]


@pytest.mark.django_db
def test_decisions_posted_for_an_older_list_of_ideas_are_shown_afresh(
    client_for, editor, planned, ideas
):
    # One row posted (the page was loaded before three more ideas existed), and it is invalid.
    data = {
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "1",
        "decisions-0-idea": str(ideas[0].uuid),
        "decisions-0-outcome": "not-an-outcome",
        "decisions-0-reason": "",
        "decisions-0-loaded_version": "",
    }
    response = client_for(editor).post(reverse("actions:decision_save", args=["oujda", 2022]), data)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "La liste des idées a changé depuis l'ouverture de cette page." in text
    for idea in ideas:  # every idea has its row again
        assert f'value="{idea.uuid}"' in text


@pytest.mark.django_db
def test_a_mistyped_idea_in_the_new_sheet_link_is_ignored(client_for, editor, planned):
    url = reverse("actions:action_create", args=["oujda", 2022])
    response = client_for(editor).get(url, {"idea": ["not-a-uuid", "12"]})
    assert response.status_code == 200
    assert "Nouvelle fiche action" in response.content.decode()


@pytest.mark.django_db
def test_amounts_with_cents_are_not_rounded_on_the_pages(client_for, viewer, planned):
    ActionCost.objects.filter(action=planned).update(amount=Decimal("150000.50"))
    for name, args in (("actions:pac", []), ("actions:action", [planned.uuid])):
        page = client_for(viewer).get(reverse(name, args=["oujda", 2022, *args]))
        assert "150\xa0000,50" in page.content.decode(), name
        assert "150\xa0001" not in page.content.decode(), name


@pytest.mark.django_db
def test_sheet_and_form_show_each_strategy_list_with_its_choices(client_for, editor, planned):
    from actions.models import SniaProgramme

    health, housing = SniaProgramme.objects.filter(code__in=["health", "housing"]).order_by("order")
    planned.snia_programmes.set([health, housing])
    client = client_for(editor)
    sheet = client.get(reverse("actions:action", args=["oujda", 2022, planned.uuid]))
    text = html.unescape(sheet.content.decode())
    assert "<dt>Programmes de la SNIA</dt><dd>Santé ; Logement</dd>" in text.replace("\xa0", " ")
    assert "<dt>Objectifs de la SNMRE</dt><dd>-</dd>" in text  # none chosen
    form = client.get(reverse("actions:action_edit", args=["oujda", 2022, planned.uuid]))
    text = html.unescape(form.content.decode())
    assert "Programmes de la SNIA" in text and "Objectifs de la SNMRE" in text
    boxes = re.findall(r'<input[^>]*name="snia_programmes"[^>]*>', text)
    ticked = [re.search(r'value="(\d+)"', box).group(1) for box in boxes if "checked" in box]
    assert sorted(int(pk) for pk in ticked) == sorted([health.pk, housing.pk])
    assert text.index("Programmes de la SNIA") < text.index("Objectifs de la SNMRE")

"""Steps 4-5, issue 11: facts that hold together, and nothing typed is lost.

Each refusal is a message next to its field, with nothing saved.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from actions.models import (
    ActionCost,
    CouncilDeliberation,
    Financing,
    FinancingSource,
    IdeaDecision,
    IeecagOpinion,
    Indicator,
    Milestone,
    PacAction,
)
from diagnostics.models import ConsultationSession

from .conftest import build_ideas, decide, make_action
from .test_views import _sheet

pytestmark = pytest.mark.django_db
BASE = ["oujda", 2022]


def _field_errors(response, form, field) -> list[str]:
    return list(response.context[form].errors.get(field, []))


def _row_errors(response, prefix, index, field) -> list[str]:
    return list(response.context["formsets"][prefix].forms[index].errors.get(field, []))


@pytest.fixture
def adopted(cycle):
    (idea,) = build_ideas(cycle, 1)  # its consultation session is dated 2022-10-01
    decide([idea])
    return idea


def _create(client, idea, **extra):
    data = _sheet([idea.pk], sector=idea.sector_id, **extra)
    return client.post(reverse("actions:action_create", args=BASE), data)


# --- Dates inside the PAC period, costs inside the action's years --------------------------


def test_a_milestone_outside_the_pac_period_is_refused(client_for, editor, adopted):
    response = _create(client_for(editor), adopted, **{"milestones-0-due_date": "2029-03-01"})
    assert response.status_code == 400
    assert _row_errors(response, "milestones", 0, "due_date") == [
        "Cette date est en dehors de la période du PAC 2022-2027."
    ]
    assert not PacAction.objects.exists() and not Milestone.objects.exists()


def test_a_cost_outside_the_actions_own_years_is_refused(client_for, editor, adopted):
    # The action runs 2023-2025; a cost in 2026 is inside the PAC but not the action.
    response = _create(
        client_for(editor), adopted, **{"costs-1-year": "2026", "financing-1-amount": "10000"}
    )
    assert response.status_code == 400
    assert _row_errors(response, "costs", 1, "year") == [
        "2026 est en dehors des dates de l'action (2023-2025)."
    ]
    assert not PacAction.objects.exists() and not ActionCost.objects.exists()


def test_the_service_refuses_a_cost_outside_the_actions_years(cycle, adopted):
    with pytest.raises(ValidationError) as error:
        make_action(
            cycle,
            [adopted],
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2024, 12, 31),
            costs={2023: Decimal(1000), 2027: Decimal(1000)},
            financing=Decimal(0),
        )
    assert error.value.message_dict == {
        "costs": ["2027 est en dehors des dates de l'action (2023-2024)."]
    }
    assert not PacAction.objects.exists()


# --- Donor money inside its programme's years ---------------------------------------------


def test_prim_runs_2020_2024_as_the_reference_list_says():
    prim = FinancingSource.objects.get(code="prim")
    assert (prim.first_year, prim.last_year) == (2020, 2024)
    assert set(FinancingSource.objects.values_list("code", flat=True)) == set(
        Financing.Source.values
    )
    assert not FinancingSource.objects.get(code="commune").has_years


def test_prim_money_beyond_the_costs_of_its_years_is_refused(client_for, editor, adopted):
    # Costs: 2023 100 000 and 2025 50 000. PRIM (2020-2024) can pay at most the 100 000 of 2023.
    data = {
        "end_date": "2025-12-31",
        "costs-1-year": "2025",
        "financing-0-amount": "110000",
        "financing-1-amount": "30000",
    }
    client = client_for(editor)
    response = _create(client, adopted, **data)
    assert response.status_code == 400
    (message,) = _row_errors(response, "financing", 0, "amount")
    assert "2020-2024" in message and "110" in message
    assert not _row_errors(response, "financing", 1, "amount")  # the commune has no limit
    assert not PacAction.objects.exists()
    data["financing-0-amount"] = "100000"
    assert _create(client, adopted, **data).status_code == 302


def test_a_source_without_years_is_not_limited(client_for, editor, adopted):
    FinancingSource.objects.filter(code="prim").update(first_year=None, last_year=None)
    data = {"costs-1-year": "2025", "financing-0-amount": "110000", "financing-1-amount": "0"}
    assert _create(client_for(editor), adopted, **data).status_code == 302


# --- Non-negative targets and baselines; percentages up to 100 -----------------------------


@pytest.mark.parametrize(
    ("unit", "field", "value", "message"),
    [
        ("personnes", "target", "-5", "Une cible ne peut pas être négative."),
        ("personnes", "baseline", "-1", "Une situation de départ ne peut pas être négative."),
        ("%", "target", "120", "Un pourcentage ne peut pas dépasser 100."),
        ("pourcentage", "baseline", "101", "Un pourcentage ne peut pas dépasser 100."),
    ],
)
def test_indicator_values_that_cannot_be_are_refused(
    client_for, editor, adopted, unit, field, value, message
):
    extra = {"indicators-0-unit": unit, f"indicators-0-{field}": value}
    response = _create(client_for(editor), adopted, **extra)
    assert response.status_code == 400
    assert _row_errors(response, "indicators", 0, field) == [message]
    assert not Indicator.objects.exists()


def test_a_percentage_of_100_and_a_count_above_100_are_accepted(client_for, editor, adopted):
    response = _create(
        client_for(editor),
        adopted,
        **{
            "indicators-TOTAL_FORMS": 2,
            "indicators-0-target": "250",
            "indicators-1-name": "Part des femmes",
            "indicators-1-unit": "%",
            "indicators-1-target": "100",
            "indicators-1-frequency": "yearly",
        },
    )
    assert response.status_code == 302
    assert sorted(Indicator.objects.values_list("target", flat=True)) == [100, 250]


def test_the_database_refuses_a_negative_target(cycle, adopted):
    action = make_action(cycle, [adopted])
    for field in ("target", "baseline"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Indicator.objects.create(
                action=action, name="x", unit="u", **{"target": 1, field: Decimal(-1)}
            )


# --- The IEECAG opinion and the council deliberation ---------------------------------------


def _decision_data(client, **extra):
    page = client.get(reverse("actions:decision", args=BASE))
    rows = page.context["formset"].initial
    data = {
        "opinion-date": "2023-01-20",
        "opinion-verdict": "favourable",
        "opinion-text": "Avis.",
        "deliberation-session": "ordinary",
        "deliberation-date": "2023-02-07",
        "deliberation-number": "07/2023",
        "deliberation-decision": "Adopté.",
        "decisions-TOTAL_FORMS": len(rows),
        "decisions-INITIAL_FORMS": len(rows),
    }
    for n, row in enumerate(rows):
        data[f"decisions-{n}-idea"] = row["idea"]
        data[f"decisions-{n}-outcome"] = "adopted"
        data[f"decisions-{n}-reason"] = ""
        data[f"decisions-{n}-loaded_version"] = row["loaded_version"] or ""
    data.update(extra)
    return data


def _save_decision(client, data):
    return client.post(reverse("actions:decision_save", args=BASE), data)


@pytest.mark.parametrize(
    ("verdict", "fr", "ar"),
    [
        ("unfavourable", "Défavorable", "رأي بعدم الموافقة"),
        ("not_given", "Non rendu dans le délai", "لم يُبدَ الرأي داخل الأجل"),
        ("favourable", "Favorable", "رأي بالموافقة"),
        ("reserved", "Favorable avec réserves", "موافقة مع تحفظات"),
    ],
)
def test_every_opinion_the_ieecag_can_give(
    client_for, editor, viewer, cycle, ideas, verdict, fr, ar
):
    client = client_for(editor)
    text = "" if verdict == "not_given" else "Avis de l'instance."
    response = _save_decision(
        client, _decision_data(client, **{"opinion-verdict": verdict, "opinion-text": text})
    )
    assert response.status_code == 302
    assert IeecagOpinion.objects.get(cycle=cycle).verdict == verdict
    reader = client_for(viewer)
    assert fr in reader.get(reverse("actions:decision", args=BASE)).content.decode()
    reader.cookies["prim_language"] = "ar"
    assert ar in reader.get(reverse("actions:decision", args=BASE)).content.decode()


def test_an_opinion_given_needs_its_text(client_for, editor, cycle, ideas):
    client = client_for(editor)
    response = _save_decision(client, _decision_data(client, **{"opinion-text": ""}))
    assert response.status_code == 400
    assert _field_errors(response, "opinion_form", "text") == ["Recopiez le texte de l'avis."]
    assert not IeecagOpinion.objects.exists() and not IdeaDecision.objects.exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2023-01-20", "La délibération vient après l'avis de l'IEECAG (daté du 20/01/2023)."),
        ("2023-01-10", "La délibération vient après l'avis de l'IEECAG (daté du 20/01/2023)."),
    ],
)
def test_the_deliberation_comes_after_the_opinion(client_for, editor, cycle, ideas, date, message):
    client = client_for(editor)
    response = _save_decision(client, _decision_data(client, **{"deliberation-date": date}))
    assert response.status_code == 400
    assert message in _field_errors(response, "deliberation_form", "date")
    assert not IeecagOpinion.objects.exists() and not CouncilDeliberation.objects.exists()
    assert not IdeaDecision.objects.exists()


def test_the_deliberation_comes_after_the_recorded_opinion_too(client_for, editor, cycle, ideas):
    IeecagOpinion.objects.create(
        cycle=cycle, date=datetime.date(2023, 3, 1), verdict="favourable", text="Avis."
    )
    client = client_for(editor)
    data = _decision_data(client)
    for name in ("date", "verdict", "text"):
        data.pop(f"opinion-{name}")  # an opinion form left as it was loaded
    data.update({"opinion-date": "2023-03-01", "opinion-verdict": "favourable"})
    data.update({"opinion-text": "Avis.", "opinion-loaded_version": "1"})
    response = _save_decision(client, data)
    assert response.status_code == 400
    assert "daté du 01/03/2023" in " ".join(_field_errors(response, "deliberation_form", "date"))


def test_the_deliberation_comes_after_the_last_consultation(client_for, editor, cycle, ideas):
    ConsultationSession.objects.create(
        cycle=cycle, kind="workshop", date=datetime.date(2023, 2, 10), title="Atelier", place="X"
    )
    client = client_for(editor)
    response = _save_decision(client, _decision_data(client))
    assert response.status_code == 400
    assert _field_errors(response, "deliberation_form", "date") == [
        "La délibération vient après les consultations (la dernière le 10/02/2023)."
    ]
    assert not CouncilDeliberation.objects.exists()


# --- The decision page: one page, one save ----------------------------------------------------


def test_the_decision_page_is_one_form_with_one_button(client_for, editor, cycle, ideas):
    html = client_for(editor).get(reverse("actions:decision", args=BASE)).content.decode()
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
    names = ("opinion-verdict", "deliberation-number", "decisions-0-outcome")
    holding = [f for f in forms if any(f'name="{name}"' in f for name in names)]
    assert len(holding) == 1  # the three parts in one form element
    (form,) = holding
    assert all(f'name="{name}"' in form for name in names)
    assert len(re.findall(r'<button[^>]*type="submit"', form)) == 1


def test_three_parts_filled_and_one_button_saves_all_three(client_for, editor, cycle, ideas):
    client = client_for(editor)
    response = _save_decision(client, _decision_data(client))
    assert response.status_code == 302
    assert IeecagOpinion.objects.get(cycle=cycle).text == "Avis."
    assert CouncilDeliberation.objects.get(cycle=cycle).number == "07/2023"
    assert IdeaDecision.objects.filter(outcome="adopted").count() == len(ideas)


def test_one_part_wrong_saves_nothing_and_keeps_what_was_typed(client_for, editor, cycle, ideas):
    client = client_for(editor)
    data = _decision_data(client, **{"deliberation-number": ""})
    response = _save_decision(client, data)
    assert response.status_code == 400
    assert _field_errors(response, "deliberation_form", "number")
    html = response.content.decode()
    assert 'value="2023-01-20"' in html and "Avis." in html  # the opinion typed is still there
    assert 'value="adopted" selected' in html
    assert not IeecagOpinion.objects.exists() and not IdeaDecision.objects.exists()


def test_a_part_still_unknown_can_stay_empty(client_for, editor, cycle, ideas):
    client = client_for(editor)
    data = _decision_data(client)
    for key in list(data):
        if key.startswith(("opinion-", "deliberation-")):
            data[key] = ""
    assert _save_decision(client, data).status_code == 302
    assert not IeecagOpinion.objects.exists() and not CouncilDeliberation.objects.exists()
    assert IdeaDecision.objects.count() == len(ideas)


# --- Action sheet: add a row, clear an amount, labels, amounts as the language writes them ---


def test_add_a_row_without_javascript_keeps_the_sheet(client_for, editor, adopted):
    response = _create(client_for(editor), adopted, add_row="financing", title="Cellule typée")
    assert response.status_code == 200 and not PacAction.objects.exists()
    html = response.content.decode()
    assert 'value="Cellule typée"' in html
    assert 'name="financing-2-amount"' in html  # two rows posted, a third one offered
    assert 'name="financing-TOTAL_FORMS" value="3"' in html
    assert "invalid-feedback" not in html
    assert 'name="add_row" value="financing"' in html


def test_clearing_an_optional_amount_removes_that_years_cost(client_for, editor, cycle, adopted):
    action = make_action(cycle, [adopted], costs={2023: Decimal(100000), 2024: Decimal(5000)})
    client = client_for(editor)
    address = reverse("actions:action_edit", args=[*BASE, action.uuid])
    page = client.get(address)
    form, formsets = page.context["form"], page.context["formsets"]
    data = _sheet([adopted.pk], sector=adopted.sector_id)
    data["loaded_version"] = form["loaded_version"].value()
    for prefix, formset in formsets.items():
        data = {k: v for k, v in data.items() if not k.startswith(f"{prefix}-")}
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data[f"{prefix}-{name}"] = management[name].value()
        for row in formset.forms:
            for field in row:
                value = field.value()
                if value not in (None, False):
                    data[field.html_name] = "on" if value is True else value
    cost_forms = formsets["costs"].forms
    cleared = next(f for f in cost_forms if str(f["year"].value()) == "2024")
    data[cleared["amount"].html_name] = ""
    data["start_date"], data["end_date"] = "2023-01-01", "2024-12-31"
    response = client.post(address, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        [fs.non_form_errors() for fs in response.context["formsets"].values()],
        [f.errors for fs in response.context["formsets"].values() for f in fs.forms],
    )
    assert list(action.costs.values_list("year", "amount")) == [(2023, Decimal(100000))]


def test_two_costs_of_one_year_are_named_by_the_label(client_for, editor, adopted):
    response = _create(client_for(editor), adopted, **{"costs-1-year": "2023"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette année a déjà un coût." in html
    text = re.sub(r"<[^>]+>", " ", html.split("<main")[1])
    assert "year" not in text  # what people read names the column, never the code name


@pytest.mark.parametrize(
    ("language", "shown", "typed"),
    [
        ("fr", "150\u00a0000,50", "150 000,50"),
        ("ar", "150\u202f000,50", "150\u202f000,50"),
    ],
)
def test_amounts_are_shown_and_read_as_the_language_writes_them(
    client_for, editor, cycle, adopted, language, shown, typed
):
    action = make_action(
        cycle, [adopted], costs={2023: Decimal("150000.50")}, financing=Decimal("90000")
    )
    client = client_for(editor)
    client.cookies["prim_language"] = language
    address = reverse("actions:action_edit", args=[*BASE, action.uuid])
    html = client.get(address).content.decode()
    assert f'value="{shown}"' in html
    assert 'value="90\u00a0000"' in html if language == "fr" else 'value="90\u202f000"' in html
    data = _sheet([adopted.pk], sector=adopted.sector_id, loaded_version="1")
    data.update(
        {
            "costs-TOTAL_FORMS": 1,
            "costs-0-year": "2023",
            "costs-0-amount": typed.replace("150", "160"),
            "financing-TOTAL_FORMS": 1,
            "financing-0-amount": "90 000" if language == "fr" else "٩٠\u202f٠٠٠",
            "indicators-TOTAL_FORMS": 0,
            "milestones-TOTAL_FORMS": 0,
        }
    )
    cost = action.costs.get()
    data["costs-INITIAL_FORMS"] = 1
    data["costs-0-id"] = str(cost.pk)
    line = action.financing.get()
    data["financing-INITIAL_FORMS"] = 1
    data["financing-0-id"] = str(line.pk)
    data["indicators-INITIAL_FORMS"] = 0
    data["milestones-INITIAL_FORMS"] = 0
    # The indicators and milestones of the demo action are removed from the posted sheet.
    for row in action.indicators.all():
        row.delete()
    for row in action.milestones.all():
        row.delete()
    response = client.post(address, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        [fs.non_form_errors() for fs in response.context["formsets"].values()],
    )
    assert action.costs.get().amount == Decimal("160000.50")
    assert action.financing.get().amount == Decimal("90000")

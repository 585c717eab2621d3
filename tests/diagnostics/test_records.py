"""Constraints, validation, the finding-idea link, concurrency and history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from communes.models import StepStatus
from diagnostics import services
from diagnostics.models import (
    ConsultationSession,
    Finding,
    IdeaFinding,
    MigrationFigure,
    Participation,
    ProjectIdea,
)
from tests.factories import ConsultationSessionFactory


def _session(cycle, **extra):
    return ConsultationSessionFactory(cycle=cycle, title="S", place="x", **extra)


@pytest.mark.parametrize("field", ["women", "men"])
def test_participation_counts_cannot_be_negative(cycle, groups, field):
    session = _session(cycle)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(
            pk=Participation.objects.create(session=session, group=groups["mre"], women=1, men=1).pk
        ).update(**{field: -1})


def test_participation_is_unique_per_group_and_band(cycle, groups):
    session = _session(cycle)
    Participation.objects.create(session=session, group=groups["mre"], women=1, men=1)
    Participation.objects.create(
        session=session, group=groups["mre"], age_band="u18", women=1, men=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(session=session, group=groups["mre"], women=2, men=0)


def test_figure_total_must_be_women_plus_men(cycle):
    with pytest.raises(IntegrityError), transaction.atomic():
        MigrationFigure.objects.create(
            cycle=cycle, indicator="mre", total=10, women=3, men=3, source="x", year=2020
        )


def test_finding_severity_is_1_to_3(cycle, sectors):
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(
            cycle=cycle, number=1, title="x", sector=sectors["health"], severity=4
        )


def test_stable_codes(cycle, diagnosis):
    assert diagnosis["findings"][0].code == "F-01"
    assert diagnosis["ideas"][0].code == "I-01"
    assert diagnosis["lonely"].code == "F-02"


def test_finding_used_by_an_idea_cannot_be_deleted(diagnosis):
    finding = diagnosis["findings"][0]
    with pytest.raises(ValidationError) as error:
        services.finding_delete(finding=finding)
    assert "I-01" in str(error.value) and "Idea 1" in str(error.value)
    assert Finding.objects.filter(pk=finding.pk).exists()
    # The database protects the link too.
    with pytest.raises(ProtectedError), transaction.atomic():
        finding.delete()


def test_unused_finding_can_be_deleted(diagnosis):
    services.finding_delete(finding=diagnosis["lonely"])
    assert not Finding.objects.filter(pk=diagnosis["lonely"].pk).exists()


def test_deleting_a_finding_through_the_page_names_the_idea(
    client_for, editor, cycle, diagnosis, url
):
    finding = diagnosis["findings"][0]
    client = client_for(editor)
    response = client.post(url("diagnostics:finding_delete", cycle, finding.uuid), follow=True)
    page = response.content.decode()
    assert "I-01" in page and "Idea 1" in page
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_session_cited_by_a_finding_cannot_be_deleted(diagnosis):
    with pytest.raises(ValidationError) as error:
        services.session_delete(session=diagnosis["sessions"][0])
    assert "F-01" in str(error.value)


def test_numbers_are_never_reused(client_for, editor, cycle, diagnosis, url, sectors):
    services.finding_delete(finding=diagnosis["lonely"])  # F-02 goes
    response = client_for(editor).post(
        url("diagnostics:finding_create", cycle),
        {
            "title": "Another need",
            "sector": sectors["health"].pk,
            "severity": 2,
        },
    )
    assert response.status_code == 302
    assert Finding.objects.get(title="Another need").code == "F-03"


def _idea_data(sectors, findings=(), **extra):
    return {
        "title": "Cellule d'accueil",
        "sector": sectors["reception-orientation"].pk,
        "findings": [f.pk for f in findings],
        **extra,
    }


def test_idea_without_a_finding_is_refused(client_for, editor, cycle, diagnosis, url, sectors):
    response = client_for(editor).post(url("diagnostics:idea_create", cycle), _idea_data(sectors))
    assert response.status_code == 400
    assert "findings" in response.context["form"].errors
    assert ProjectIdea.objects.filter(cycle=cycle).count() == 1


def test_idea_cannot_answer_a_finding_of_another_commune(
    client_for, editor, cycle, other_cycle, url, sectors, groups
):
    from tests.diagnostics.conftest import build_diagnosis

    theirs = build_diagnosis(other_cycle, 1, groups=groups, sectors=sectors)
    response = client_for(editor).post(
        url("diagnostics:idea_create", cycle), _idea_data(sectors, theirs["findings"])
    )
    assert response.status_code == 400
    assert "findings" in response.context["form"].errors


def test_idea_is_created_with_its_links_and_history(
    client_for, editor, cycle, diagnosis, url, sectors, groups
):
    finding = diagnosis["lonely"]
    response = client_for(editor).post(
        url("diagnostics:idea_create", cycle),
        _idea_data(
            sectors,
            [finding],
            target_groups=[groups["mre"].pk],
            beneficiaries_women=30,
            beneficiaries_men=20,
        ),
    )
    assert response.status_code == 302
    idea = ProjectIdea.objects.get(cycle=cycle, number=2)
    assert idea.code == "I-02"
    assert list(idea.findings.all()) == [finding]
    assert idea.beneficiaries_total == 50
    link = IdeaFinding.objects.get(idea=idea)
    assert link.history.get().history_user == editor
    assert {h.history_user for h in idea.history.all()} == {editor}
    assert StepStatus.objects.get(cycle=cycle, step=3).status == "in_progress"


def test_concurrent_edit_is_refused(client_for, editor, cycle, diagnosis, url, sectors):
    finding = diagnosis["lonely"]
    address = url("diagnostics:finding_edit", cycle, finding.uuid)
    data = {
        "title": "First tab",
        "sector": sectors["housing"].pk,
        "severity": 2,
        "loaded_version": finding.version,
    }
    client = client_for(editor)
    assert client.post(address, data).status_code == 302
    second = client.post(address, {**data, "title": "Second tab"})
    assert second.status_code == 409
    from communes.concurrency import STALE_MESSAGE

    assert str(STALE_MESSAGE) in second.context["form"].non_field_errors()
    finding.refresh_from_db()
    assert finding.title == "First tab"


def _session_data(**extra):
    data = {
        "title": "Focus group femmes",
        "kind": "focus_group",
        "date": "2022-11-20",
        "place": "Lazaret",
        "languages": ["darija"],
        "notes": "",
        "grid-TOTAL_FORMS": "0",
        "grid-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def _grid(client, address):
    grid = client.get(address).context["grid"]
    return {
        "grid-TOTAL_FORMS": str(len(grid.groups)),
        "grid-INITIAL_FORMS": str(len(grid.groups)),
        **{f"grid-{i}-group": g.code for i, g in enumerate(grid.groups)},
    }, [g.code for g in grid.groups]


def test_session_grid_is_saved_as_recorded(client_for, editor, cycle, url, groups):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    grid, codes = _grid(client, address)
    mre = codes.index("mre")
    tcn = codes.index("third-country-nationals")
    response = client.post(
        address,
        _session_data(
            **grid,
            **{
                f"grid-{mre}-women_all": "4",
                f"grid-{mre}-men_all": "6",
                f"grid-{tcn}-women_all": "9",
                f"grid-{tcn}-men_all": "",
            },
        ),
    )
    assert response.status_code == 302
    session = ConsultationSession.objects.get(cycle=cycle)
    rows = {(p.group.code, p.age_band): (p.women, p.men) for p in session.participations.all()}
    assert rows == {("mre", ""): (4, 6), ("third-country-nationals", ""): (9, 0)}
    detail = client.get(response.url).content.decode()
    assert "19" in detail  # 13 women + 6 men


def test_session_grid_by_age_band(client_for, editor, cycle, url):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle) + "?grid=age"
    grid, codes = _grid(client, address)
    youth = codes.index("youth")
    response = client.post(
        address,
        _session_data(
            grid="age",
            **grid,
            **{
                f"grid-{youth}-women_u18": "5",
                f"grid-{youth}-men_18_35": "2",
            },
        ),
    )
    assert response.status_code == 302
    session = ConsultationSession.objects.get(cycle=cycle)
    assert session.by_age_band
    rows = {(p.age_band, p.women, p.men) for p in session.participations.all()}
    assert rows == {("u18", 5, 0), ("18_35", 0, 2)}


def test_negative_count_is_refused_and_nothing_saved(client_for, editor, cycle, url):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    grid, codes = _grid(client, address)
    response = client.post(address, _session_data(**grid, **{"grid-0-women_all": "-3"}))
    assert response.status_code == 400
    assert response.context["grid"].formset.forms[0].errors["women_all"]
    assert not ConsultationSession.objects.filter(cycle=cycle).exists()


def test_a_wrong_count_is_outlined_even_when_the_title_is_missing_too(
    client_for, editor, cycle, url
):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    grid, codes = _grid(client, address)
    data = _session_data(**grid, **{"grid-0-women_all": "-3", "title": ""})
    response = client.post(address, data)
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    assert response.context["grid"].formset.forms[0].errors["women_all"]
    assert "is-invalid" in str(response.context["grid"].formset.forms[0]["women_all"])


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2030-01-01", "Cette date est à plus d'un an dans le futur."),
        # Before the PAC period (issue 11: dates inside the period).
        ("2021-12-31", "en dehors de la période du PAC 2022-2027."),
    ],
)
def test_session_date_is_checked(client_for, editor, cycle, url, date, message):
    client = client_for(editor)
    address = url("diagnostics:session_create", cycle)
    grid, _codes = _grid(client, address)
    response = client.post(address, _session_data(date=date, **grid))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["date"])


def test_session_edit_updates_the_grid_and_keeps_history(client_for, editor, cycle, diagnosis, url):
    session = diagnosis["sessions"][0]
    client = client_for(editor)
    address = url("diagnostics:session_edit", cycle, session.uuid)
    grid, codes = _grid(client, address)
    mre = codes.index("mre")
    response = client.post(
        address,
        _session_data(
            loaded_version=session.version,
            **grid,
            **{f"grid-{mre}-women_all": "3", f"grid-{mre}-men_all": "7"},
        ),
    )
    assert response.status_code == 302
    rows = {p.group.code: (p.women, p.men) for p in session.participations.all()}
    assert rows == {"mre": (3, 7)}  # the civil society cells were emptied
    mre_row = session.participations.get()
    assert mre_row.history.count() == 2
    assert Participation.history.filter(history_type="-").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"women": 3, "men": 4, "total": 9}, "total"),
        ({"women": "", "men": "", "total": ""}, "total"),
        ({"women": 30, "men": "", "total": 10}, "women"),
        ({"year": 1900, "total": 5}, "year"),
    ],
)
def test_figure_form_errors(client_for, editor, cycle, url, data, field):
    payload = {
        "indicator": "returnees",
        "source": "HCP",
        "year": 2014,
        "women": "",
        "men": "",
        "total": "",
        **data,
    }
    response = client_for(editor).post(url("diagnostics:figure_create", cycle), payload)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_figure_total_is_computed(client_for, editor, cycle, url):
    response = client_for(editor).post(
        url("diagnostics:figure_create", cycle),
        {
            "indicator": "returnees",
            "source": "HCP",
            "year": 2014,
            "women": 40,
            "men": 60,
        },
    )
    assert response.status_code == 302
    assert MigrationFigure.objects.get(cycle=cycle).total == 100


def test_idea_deletion_removes_its_links_then_the_finding_can_go(diagnosis):
    idea = diagnosis["ideas"][0]
    services.idea_delete(idea=idea)
    services.finding_delete(finding=diagnosis["findings"][0])
    assert not Finding.objects.filter(pk=diagnosis["findings"][0].pk).exists()

"""After step 5: the legal chain, the frozen annex, the follow-up and the annual report."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from actions import adoption, followup
from actions.models import (
    ActionChange,
    ActionYear,
    AnnexFreeze,
    GovernorVisa,
    PacAction,
    PacDeliberation,
)
from communes.models import Job

from .annex_support import pdf_text
from .conftest import build_ideas, decide, make_action

D = datetime.date
LEGAL = "/communes/oujda/pac/2022/plan/adoption/"


def deliberation(cycle, **extra):
    data = {
        "cycle": cycle,
        "kind": PacDeliberation.Kind.ADOPTION,
        "session": PacDeliberation.Session.OCTOBER,
        "date": D(2022, 10, 4),
        "number": "21/2022",
        "members": 65,
        "present": 48,
        "votes_for": 40,
        "votes_against": 3,
        "abstentions": 5,
        "president": "Président fictif",
        "secretary": "Secrétaire fictif",
        "opinion_verdict": "favourable",
        "opinion_date": D(2022, 9, 20),
    }
    data.update(extra)
    return PacDeliberation(**data)


def form_data(**extra):
    data = {
        "delib-kind": "adoption",
        "delib-session": "october",
        "delib-date": "2022-10-04",
        "delib-number": "21/2022",
        "delib-members": "65",
        "delib-present": "48",
        "delib-votes_for": "40",
        "delib-votes_against": "3",
        "delib-abstentions": "5",
        "delib-president": "Président fictif",
        "delib-secretary": "Secrétaire fictif",
        "delib-opinion_verdict": "favourable",
        "delib-opinion_date": "2022-09-20",
    }
    data.update(extra)
    return data


# --- Facts of a deliberation ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra, field",
    [
        ({"present": 70}, "present"),  # more present than in office
        ({"votes_for": 45, "votes_against": 3, "abstentions": 5}, "votes_for"),  # 53 > 48
        ({"votes_for": 10, "votes_against": 20}, "votes_for"),  # no majority
        ({"date": D(2028, 2, 10), "session": "february"}, "date"),  # outside 2022-2027
        ({"date": D(2022, 11, 4)}, "session"),  # October session in November
        ({"opinion_date": D(2022, 10, 5)}, "opinion_date"),  # the opinion comes first
        ({"kind": "update", "date": D(2023, 2, 7), "session": "february"}, "kind"),  # year 2
    ],
)
def test_facts_that_do_not_hold_together_are_refused_next_to_their_field(cycle, extra, field):
    with pytest.raises(ValidationError) as error:
        deliberation(cycle, **extra).full_clean()
    assert field in error.value.message_dict


@pytest.mark.django_db
def test_an_update_comes_in_the_third_year_after_the_adoption(cycle):
    deliberation(cycle).save()
    update = deliberation(
        cycle,
        kind="update",
        date=D(2024, 2, 6),
        session="february",
        number="08/2024",
        opinion_date=D(2024, 1, 20),
    )
    update.full_clean()  # third year (2024): accepted
    with pytest.raises(ValidationError) as error:
        deliberation(cycle, number="22/2022").full_clean()
    assert error.value.messages == [str(_("This PAC already has its adoption deliberation."))]


@pytest.mark.django_db
def test_a_visa_comes_after_its_deliberation(cycle):
    d = deliberation(cycle)
    d.save()
    with pytest.raises(ValidationError) as error:
        GovernorVisa(deliberation=d, date=D(2022, 10, 1), reference="V-1").full_clean()
    assert "date" in error.value.message_dict


# --- Recording, visa, freezing, never rebuilt ---------------------------------------------------


@pytest.mark.django_db
def test_recording_freezes_the_annex_once_and_later_edits_never_touch_it(
    annex_cycle, annex_media, client_for, editor, django_capture_on_commit_callbacks
):
    cycle = annex_cycle
    # Before any deliberation, the Arabic draft says so on every page.
    from actions.annex.data import gather_annex
    from actions.annex.render import render_annex

    draft_ar = pdf_text(render_annex(gather_annex(cycle), "ar"))
    assert draft_ar.count("مشروع") >= 3 and "Projet" in draft_ar

    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LEGAL + "record/", form_data())
    assert response.status_code == 302
    freeze = AnnexFreeze.objects.get()
    assert freeze.state == "frozen" and freeze.frozen_by == editor
    assert set(ActionChange.objects.values_list("change", flat=True)) == {"adopted"}
    assert ActionChange.objects.count() == cycle.pac_actions.count()

    files = {}
    for language in ("fr", "ar"):
        name, digest = freeze.file(language)
        assert not name.startswith("/")  # a storage name, never a path
        data = default_storage.open(name).read()
        assert hashlib.sha256(data).hexdigest() == digest
        files[language] = data
    fr, ar = pdf_text(files["fr"]), pdf_text(files["ar"])
    assert "Projet" not in fr and "مشروع -" not in ar and "Projet" not in ar
    assert "loi organique n° 113-14" in fr.lower() or "113-14" in fr
    assert "2-16-301" in fr and "21/2022" in fr
    assert "المرسوم" in ar and "القانون التنظيمي" in ar and "21/2022" in ar  # decree, law

    page = client.get(LEGAL)
    assert freeze.fr_sha256 in page.content.decode()
    assert 'class="alert alert-warning py-2 mb-2 not-enforceable"' in page.content.decode()

    # The visa.
    d = PacDeliberation.objects.get()
    response = client.post(
        LEGAL + f"{d.uuid}/visa/",
        {f"visa-{d.pk}-date": "2022-11-10", f"visa-{d.pk}-reference": "V-123/2022"},
    )
    assert response.status_code == 302
    assert GovernorVisa.objects.get().recorded_by == editor
    assert "not-enforceable" not in client.get(LEGAL).content.decode()

    # A later edit, a second run of the job and a forced rebuild attempt: the file stays.
    action = PacAction.objects.filter(cycle=cycle).first()
    PacAction.objects.filter(pk=action.pk).update(objectives="Changed after the deliberation.")
    with django_capture_on_commit_callbacks(execute=True):
        adoption.freeze_request(freeze)
    job = Job.objects.get(key=adoption.freeze_key(freeze.pk))
    assert job.result == {"skipped": "already frozen"}
    AnnexFreeze.objects.filter(pk=freeze.pk).update(state="freezing")
    job.params = {"freeze": freeze.pk}
    assert adoption.build_frozen(job)["files"]["fr"] == freeze.fr_name  # not rendered again
    AnnexFreeze.objects.filter(pk=freeze.pk).update(state="freezing", fr_name="", fr_sha256="")
    with pytest.raises(adoption.FrozenFileExists):
        adoption.build_frozen(job)  # the name exists: never written over
    for language in ("fr", "ar"):
        assert default_storage.open(freeze.file(language)[0]).read() == files[language]
    AnnexFreeze.objects.filter(pk=freeze.pk).update(
        state="frozen", fr_name=freeze.fr_name, fr_sha256=freeze.fr_sha256
    )
    download = client.get(LEGAL + f"{d.uuid}/fr.pdf")
    assert b"".join(download.streaming_content) == files["fr"]


# --- Permissions and query counts ---------------------------------------------------------------


def _action(cycle, prefix):
    ideas = build_ideas(cycle, 1, prefix=prefix)
    decide(ideas)
    return make_action(cycle, ideas, costs={2024: Decimal("100000")})


@pytest.fixture
def adopted(cycle):
    actions = [_action(cycle, f"A{i}") for i in range(2)]
    d = deliberation(cycle)
    d.save()
    ActionChange.objects.bulk_create(
        [ActionChange(action=a, deliberation=d, change="adopted") for a in actions]
    )
    return actions


@pytest.mark.django_db
def test_permissions_of_the_pages_after_adoption(access, adopted):
    from tests.access_matrix import READ, WRITE

    access.check(LEGAL, READ, shows="21/2022")
    access.check(LEGAL + "record/", WRITE, methods=("post",), data=form_data())
    base = "/communes/oujda/pac/2022/plan/followup/2024/"
    access.check(base, READ, shows=adopted[0].code)
    access.check(base + "report.xlsx", READ, shows="")
    url = base + f"{adopted[0].uuid}/"
    access.check(url, READ, methods=("get",), shows=adopted[0].code)
    access.check(url + "save/", WRITE, methods=("post",), data={"fu-status": "in_progress"})


@pytest.mark.django_db
def test_follow_up_is_written_while_step_5_is_validated(client_for, editor, adopted, cycle):
    from communes.models import StepStatus

    StepStatus.objects.update_or_create(
        cycle=cycle, step=5, defaults={"status": StepStatus.Status.VALIDATED}
    )
    action = adopted[0]
    client = client_for(editor)
    url = f"/communes/oujda/pac/2022/plan/followup/2024/{action.uuid}/save/"
    bad = client.post(url, {"fu-status": "dropped", "fu-reason": ""})
    assert bad.status_code == 400 and not ActionYear.objects.exists()
    response = client.post(
        url,
        {"fu-status": "in_progress", "fu-committed_prim": "50000", "fu-paid_prim": "20000"},
    )
    assert response.status_code == 302
    assert ActionYear.objects.get().status == "in_progress"
    # The plan's own edit page stays locked.
    assert (
        client.get(f"/communes/oujda/pac/2022/plan/actions/{action.uuid}/edit/").status_code == 403
    )


def _grow(cycle, n):
    d = PacDeliberation.objects.get(cycle=cycle)
    for i in range(n):
        a = _action(cycle, f"G{n}-{i}")
        ActionChange.objects.create(action=a, deliberation=d, change="adopted")
        followup.action_year_save(
            action=a,
            year=2024,
            status="in_progress",
            reason="",
            note="",
            milestones=[],
            money={"prim": (Decimal(100), Decimal(50))},
            measures={},
            loaded_version=None,
            by=None,
        )


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_actions(
    client_for, viewer, adopted, cycle, django_assert_max_num_queries
):
    client = client_for(viewer)
    counts = {}
    for size in (1, 5):  # one recorded year first: the nested prefetches run from then on
        _grow(cycle, size)
        for url in (LEGAL, "/communes/oujda/pac/2022/plan/followup/2024/"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            client.get(url)  # the first visit after a change queues the report's PDFs
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    for url, (small, large) in counts.items():
        assert small == large, (url, small, large)
    # Legal page: session, user, scope (3) + door (1) + deliberations with visa and freeze (1)
    # + their changes (1). Report: 4 + the report's 9 (actions.followup.annual_report) + its
    # PDFs: failed jobs (1) + per language a coalesced request, its job queued already (2 x 4).
    assert counts == {LEGAL: [6, 6], "/communes/oujda/pac/2022/plan/followup/2024/": [22, 22]}


# --- The annual report --------------------------------------------------------------------------


@pytest.mark.django_db
def test_report_totals_equal_the_sum_of_the_actions_yearly_records(adopted, cycle):
    a, b = adopted
    followup.action_year_save(
        action=a,
        year=2024,
        status="completed",
        reason="",
        note="",
        milestones=[],
        money={"prim": (Decimal("60000"), Decimal("40000")), "commune": (Decimal(10), Decimal(0))},
        measures={
            a.indicators.get().pk: {
                "value": Decimal(30),
                "women": None,
                "men": None,
                "migrants": None,
            }
        },
        loaded_version=None,
        by=None,
    )
    followup.action_year_save(
        action=b,
        year=2024,
        status="suspended",
        reason="Local en travaux",
        note="",
        milestones=[],
        money={"prim": (Decimal("5000"), Decimal("5000"))},
        measures={},
        loaded_version=None,
        by=None,
    )
    report = followup.annual_report(cycle, 2024)
    records = ActionYear.objects.filter(year=2024)
    assert report.committed == sum(m.committed for r in records for m in r.money.all())
    assert report.paid == sum(m.paid for r in records for m in r.money.all()) == Decimal("45000")
    assert report.committed == sum(r.committed for r in report.rows) == Decimal("65010")
    assert report.done == 1 and report.by_status["suspended"] == 1
    assert report.planned == sum(r.planned for r in report.rows)


@pytest.mark.django_db
def test_report_pdf_is_built_as_a_task_in_both_languages(
    adopted, cycle, annex_media, client_for, coordinator, django_capture_on_commit_callbacks
):
    from actions import report_pdf

    a, _b = adopted
    followup.action_year_save(
        action=a,
        year=2024,
        status="completed",
        reason="",
        note="",
        milestones=[],
        money={"prim": (Decimal("60000"), Decimal("43210"))},
        measures={},
        loaded_version=None,
        by=None,
    )
    report = followup.annual_report(cycle, 2024)
    with django_capture_on_commit_callbacks(execute=True):
        report_pdf.report_states(cycle, 2024, report)  # requests both (run at once here)
    states = report_pdf.report_states(cycle, 2024, report)
    assert all(s.name for s in states)
    for state in states:
        text = pdf_text(default_storage.open(state.name).read())
        assert a.code in text and "43" in text and "210" in text
    response = client_for(coordinator).get(
        "/communes/oujda/pac/2022/plan/followup/2024/report-ar.pdf"
    )
    assert response.status_code == 200 and response["Content-Language"] == "ar"

"""The demo diagnosis of the seven pilot communes, and step 3 in the commune dossier."""

import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Q

from communes import demo as communes_demo
from communes.models import StepStatus
from diagnostics import demo
from diagnostics.demo import CELL_FR
from diagnostics.models import ConsultationSession, Finding, Participation, ProjectIdea

ORIENTAL = ["oujda", "nador", "berkane", "driouch"]
SOUSS = ["sidi-bibi", "ait-amira", "belfaa"]


@pytest.fixture
def loaded(db):
    communes_demo.load()
    demo.load()


def _ideas(codes):
    return ProjectIdea.objects.filter(cycle__commune__code__in=codes)


def test_demo_funnel_counts(loaded):
    # The published figure: 22 projects identified, 12 in the Oriental and 10 in Souss-Massa.
    assert _ideas(ORIENTAL).count() == 12
    assert _ideas(SOUSS).count() == 10
    for code in ORIENTAL:
        assert _ideas([code]).count() == 3
        assert _ideas([code]).filter(title=CELL_FR).exists(), code
    assert _ideas(["sidi-bibi"]).filter(title="Sport & Citoyenneté au féminin").exists()


@pytest.mark.parametrize("code", ORIENTAL + SOUSS)
def test_each_pilot_commune_has_a_plausible_diagnosis(loaded, code):
    sessions = ConsultationSession.objects.filter(cycle__commune__code=code)
    assert 3 <= sessions.count() <= 5
    assert 6 <= Finding.objects.filter(cycle__commune__code=code).count() <= 10
    rows = Participation.objects.filter(session__cycle__commune__code=code)
    women_migrants = rows.filter(group__is_migrant=True, women__gt=0).exclude(
        group__code__in=["mre", "returning-mre"]
    )
    assert women_migrants.exists()
    assert rows.filter(Q(group__code="mre") | Q(group__code="returning-mre")).exists()
    assert all(idea.finding_links.exists() for idea in _ideas([code]))
    assert StepStatus.objects.get(cycle__commune__code=code, step=3).status == "validated"


def test_demo_is_idempotent(loaded):
    before = (
        ConsultationSession.objects.count(),
        Finding.objects.count(),
        ProjectIdea.objects.count(),
        Participation.objects.count(),
    )
    demo.load()
    after = (
        ConsultationSession.objects.count(),
        Finding.objects.count(),
        ProjectIdea.objects.count(),
        Participation.objects.count(),
    )
    assert before == after


def test_export_dossier_includes_step_3(cycle, diagnosis):
    out = io.StringIO()
    call_command("export_dossier", "oujda", stdout=out)
    dossier = json.loads(out.getvalue())
    step3 = dossier["cycles"][0]["steps"][2]
    assert step3["number"] == 3 and step3["status"] == "not_started"
    records = step3["records"]
    assert [s["title"] for s in records["sessions"]] == ["Focus group 1", "Atelier"]
    assert records["sessions"][0]["participants"] == [
        {"group": "mre", "age_band": "", "women": 3, "men": 5},
        {"group": "civil-society", "age_band": "", "women": 4, "men": 2},
    ]
    assert records["sessions"][0]["date"] == "2022-11-01"
    assert [f["code"] for f in records["findings"]] == ["F-01", "F-02"]
    assert records["findings"][0]["groups"] == ["mre", "women-migrants"]
    assert records["ideas"][0]["findings"] == ["F-01"]
    assert records["migration_profile"][0]["total"] == 100

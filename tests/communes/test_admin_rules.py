"""The admin follows the application's rules (issue 11).

Rights there come from memberships: a staff user holding Django's "membership" permissions
cannot make anyone a national administrator. Step records are read-only there, history
reverts included: every write goes through the step pages, their locks and record versions.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from communes.models import Membership, Role
from communes.records import AwarenessSession
from diagnostics.models import Finding, Sector
from tests.communes.test_awareness_models import make_session

pytestmark = pytest.mark.django_db


def grant(user, *codenames, superuser=False):
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


@pytest.fixture
def staff_coordinator(coordinator):
    """A coordinator given staff status and every Django permission on users and roles."""
    verbs, models = ("view", "add", "change"), ("user", "membership")
    grant(coordinator, *(f"{verb}_{model}" for verb in verbs for model in models))
    return coordinator


@pytest.fixture
def admin_national(national):
    """A national administrator who is also a superuser, like the demo's ``admin``."""
    grant(national, superuser=True)
    return national


def membership_post(user, role=Role.NATIONAL):
    return {"user": user.pk, "role": role, "commune": "", "region": ""}


def test_a_staff_user_with_the_membership_permission_cannot_make_a_national_admin(
    client_for, staff_coordinator, editor
):
    client = client_for(staff_coordinator)
    response = client.post(reverse("admin:communes_membership_add"), membership_post(editor))
    assert response.status_code == 403
    response = client.post(
        reverse("admin:communes_membership_add"), membership_post(staff_coordinator)
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(role=Role.NATIONAL).exists()
    # Nor change an existing role into a national one, nor even list who holds which role.
    own = staff_coordinator.memberships.get()
    response = client.post(
        reverse("admin:communes_membership_change", args=[own.pk]),
        membership_post(staff_coordinator),
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:communes_membership_changelist")).status_code == 403
    own.refresh_from_db()
    assert own.role == Role.COORDINATOR


def test_a_staff_user_with_the_user_permission_cannot_make_themselves_superuser(
    client_for, staff_coordinator
):
    response = client_for(staff_coordinator).post(
        reverse("admin:communes_user_change", args=[staff_coordinator.pk]),
        {
            "username": staff_coordinator.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 403
    staff_coordinator.refresh_from_db()
    assert not staff_coordinator.is_superuser


def test_a_national_administrator_gives_roles_in_the_admin(client_for, national, editor):
    grant(national)  # staff, without any Django permission: the role is enough
    response = client_for(national).post(
        reverse("admin:communes_membership_add"), membership_post(editor)
    )
    assert response.status_code == 302
    assert editor.memberships.filter(role=Role.NATIONAL).exists()


def test_a_superuser_without_a_role_can_give_the_first_national_role(client_for, db):
    from tests.factories import UserFactory

    root = UserFactory(username="root")
    grant(root, superuser=True)
    response = client_for(root).post(
        reverse("admin:communes_membership_add"), membership_post(root)
    )
    assert response.status_code == 302
    assert root.memberships.get().role == Role.NATIONAL


def session_post(session, **changes):
    data = {
        "cycle": session.cycle_id,
        "date": "2022-09-15",
        "place": session.place,
        "format": session.format,
        "facilitator": session.facilitator,
        "topics": json.dumps(session.topics),
        "other_topic": "",
        "outcome": "",
        **changes,
    }
    for prefix in ("attendance", "attachments"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


def test_step_records_are_read_only_in_the_admin_even_for_a_superuser(
    client_for, admin_national, editor, cycle
):
    session = make_session(cycle, by=editor)
    client = client_for(admin_national)
    change = reverse("admin:communes_awarenesssession_change", args=[session.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert "Salle des délibérations" in page.content.decode()  # readable, for support
    assert 'name="place"' not in page.content.decode()  # but no field to type in
    response = client.post(change, session_post(session, place="Changé dans l'admin"))
    assert response.status_code == 403
    session.refresh_from_db()
    assert (session.place, session.version) == ("Salle des délibérations", 1)
    add = client.post(reverse("admin:communes_awarenesssession_add"), session_post(session))
    assert add.status_code == 403
    assert AwarenessSession.objects.count() == 1
    delete = reverse("admin:communes_awarenesssession_delete", args=[session.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AwarenessSession.objects.filter(pk=session.pk).exists()


def test_a_cycle_cannot_be_changed_in_the_admin(client_for, admin_national, cycle):
    response = client_for(admin_national).post(
        reverse("admin:communes_planningcycle_change", args=[cycle.pk]),
        {
            "commune": cycle.commune_id,
            "start_year": 2019,
            "end_year": 2030,
            "steps-TOTAL_FORMS": 0,
            "steps-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 403
    cycle.refresh_from_db()
    assert (cycle.start_year, cycle.end_year) == (2022, 2027)


def test_a_history_revert_cannot_write_a_step_record(client_for, admin_national, editor, cycle):
    """django-simple-history saves a revert posted by anyone who may merely view the record."""
    session = make_session(cycle, by=editor)
    version = session.history.earliest()
    response = client_for(admin_national).post(
        reverse(
            "admin:communes_awarenesssession_simple_history",
            args=[session.pk, version.history_id],
        ),
        session_post(session, place="Revenu par l'historique"),
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.place == "Salle des délibérations"


def test_a_diagnosis_record_cannot_be_reverted_either(client_for, admin_national, cycle):
    finding = Finding.objects.create(
        cycle=cycle,
        number=1,
        severity=2,
        title="Accès aux papiers",
        sector=Sector.objects.get(code="health"),
    )
    response = client_for(admin_national).post(
        reverse(
            "admin:diagnostics_finding_simple_history",
            args=[finding.pk, finding.history.earliest().history_id],
        ),
        {"cycle": cycle.pk, "title": "Réécrit", "sector": finding.sector_id, "severity": 2},
    )
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.title == "Accès aux papiers"


def test_staff_permissions_alone_do_not_open_the_step_records(
    client_for, coordinator, other_editor, other_cycle
):
    """A coordinator of the Oriental reading Souss-Massa's records in the admin: no."""
    make_session(other_cycle, by=other_editor)
    grant(coordinator, "view_awarenesssession", "view_planningcycle")
    client = client_for(coordinator)
    assert client.get(reverse("admin:communes_awarenesssession_changelist")).status_code == 403
    assert client.get(reverse("admin:communes_planningcycle_changelist")).status_code == 403

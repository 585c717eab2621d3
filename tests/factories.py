"""Test data builders, all on factory-boy.

Records that the application saves through a service (a cycle and its five step statuses, a
step 1 session with its attendance grid, a training with its trainees, a PAC action with its
costs and financing) are built through that service, as the views do. The reference lists and
the pilot territory come from the data migrations: factories look them up by code.
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from actions.models import PacAction, SniaProgramme
from communes.models import Commune, Membership, PlanningCycle, Province, Region, Role, User
from communes.records import AwarenessSession, Trainee, Training
from diagnostics.models import (
    ConsultationSession,
    Finding,
    IdeaFinding,
    Participation,
    ProjectIdea,
    Sector,
    TargetGroup,
)

# The one password of every test user.
PASSWORD = "pass-for-tests"


def reference(model, code):
    """A row of a reference list shipped by the data migrations."""
    return factory.LazyFunction(lambda: model.objects.get(code=code))


def next_number(model):
    """The next per-cycle number (F-01, I-01, ...) of a numbered record."""
    return factory.LazyAttribute(lambda o: model.objects.filter(cycle=o.cycle).count() + 1)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 80) + 20}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"province-{n}")
    region = factory.SubFactory(RegionFactory)
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"commune-{n}")
    province = factory.SubFactory(ProvinceFactory)
    kind = Commune.Kind.RURAL
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    """An editor of a commune; traits: ``viewer``, ``coordinator`` (of a region), ``national``."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR
    commune = factory.SubFactory(CommuneFactory)
    region = None

    class Params:
        viewer = factory.Trait(role=Role.VIEWER)
        coordinator = factory.Trait(
            role=Role.COORDINATOR, commune=None, region=factory.SubFactory(RegionFactory)
        )
        national = factory.Trait(role=Role.NATIONAL, commune=None)
        province_reader = factory.Trait(
            role=Role.PROVINCE_READER, commune=None, province=factory.SubFactory(ProvinceFactory)
        )


class PlanningCycleFactory(DjangoModelFactory):
    """A PAC cycle opened as the commune page opens it, with its five step statuses."""

    class Meta:
        model = PlanningCycle

    commune = factory.SubFactory(CommuneFactory)
    start_year = 2022

    @classmethod
    def _create(cls, model_class, commune, start_year, **kwargs):
        from communes.services import cycle_open

        return cycle_open(commune=commune, start_year=start_year, by=None, **kwargs)


def open_cycle(commune, start_year=2022):
    return PlanningCycleFactory(commune=commune, start_year=start_year)


class AwarenessSessionFactory(DjangoModelFactory):
    """A step 1 session and its ``attendance`` grid (category: (women, men)), saved ``by``."""

    class Meta:
        model = AwarenessSession

    cycle = factory.SubFactory(PlanningCycleFactory)
    date = datetime.date(2022, 9, 15)
    place = "Salle des délibérations"
    format = AwarenessSession.Format.INFORMATION_MEETING
    facilitator = "Équipe PRIM"
    topics = factory.LazyFunction(lambda: ["gender"])
    attendance = factory.LazyFunction(lambda: {"elected": (2, 5)})
    by = None

    @classmethod
    def _create(cls, model_class, attendance, by, **fields):
        from communes import services

        return services.awareness_session_save(
            session=model_class(**fields), attendance=attendance, by=by
        )


class TrainingFactory(DjangoModelFactory):
    """A two-day step 2 training with ``trainees`` given as (sex, days attended)."""

    class Meta:
        model = Training

    cycle = factory.SubFactory(PlanningCycleFactory)
    title = "Genre et migration"
    start_date = datetime.date(2022, 10, 25)
    end_date = datetime.date(2022, 10, 26)
    days = 2
    trainer = "Expertise France"
    place = "Oujda"
    trainees = (("f", 2), ("m", 2))
    by = None

    @classmethod
    def _create(cls, model_class, trainees, by, **fields):
        from communes import services

        people = [
            Trainee(name=f"Stagiaire {i}", sex=sex, days_attended=days)
            for i, (sex, days) in enumerate(trainees)
        ]
        return services.training_save(
            training=model_class(**fields), trainees=people, removed=[], by=by
        )


class ConsultationSessionFactory(DjangoModelFactory):
    """A step 3 consultation session; trait ``focus_group``."""

    class Meta:
        model = ConsultationSession

    cycle = factory.SubFactory(PlanningCycleFactory)
    kind = "workshop"
    date = datetime.date(2022, 11, 1)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    place = "Centre"

    class Params:
        focus_group = factory.Trait(kind="focus_group", place="Lazaret", languages=["darija"])


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    session = factory.SubFactory(ConsultationSessionFactory)
    group = reference(TargetGroup, "mre")
    women = 1
    men = 1


class FindingFactory(DjangoModelFactory):
    """A finding; ``sessions`` where it was raised and ``groups`` it concerns, if given."""

    class Meta:
        model = Finding
        skip_postgeneration_save = True

    cycle = factory.SubFactory(PlanningCycleFactory)
    number = next_number(Finding)
    title = factory.Sequence(lambda n: f"Need {n}")
    sector = reference(Sector, "reception-orientation")
    severity = 2

    @factory.post_generation
    def sessions(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.sessions.set(extracted)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.groups.set(extracted)


class ProjectIdeaFactory(DjangoModelFactory):
    """A project idea answering the ``findings`` given, for the ``target_groups`` given."""

    class Meta:
        model = ProjectIdea
        skip_postgeneration_save = True

    cycle = factory.SubFactory(PlanningCycleFactory)
    number = next_number(ProjectIdea)
    title = factory.Sequence(lambda n: f"Idea {n}")
    sector = reference(Sector, "reception-orientation")
    beneficiaries_women = 30
    beneficiaries_men = 20

    @factory.post_generation
    def target_groups(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.target_groups.set(extracted)

    @factory.post_generation
    def findings(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            for finding in extracted or ():
                IdeaFinding.objects.create(idea=obj, finding=finding)


class PacActionFactory(DjangoModelFactory):
    """A PAC action made of adopted ``ideas``, saved through the service ``by`` someone."""

    class Meta:
        model = PacAction

    cycle = factory.SubFactory(PlanningCycleFactory)
    ideas = ()
    axis = "Axe 1 - Accueil"
    objectives = "Accueillir et orienter."
    lead_service = "Affaires sociales"
    gender_marker = 1
    costs = factory.LazyFunction(lambda: {2023: Decimal("100000")})
    financing = factory.LazyFunction(
        lambda: [{"source": "prim", "amount": Decimal("60000"), "status": "committed"}]
    )
    indicators = factory.LazyFunction(
        lambda: [{"name": "Personnes accueillies", "unit": "personnes", "target": 100}]
    )
    milestones = factory.LazyFunction(
        lambda: [{"title": "Local prêt", "done": True}, {"title": "Agents formés"}]
    )
    snia = factory.LazyFunction(
        lambda: SniaProgramme.objects.filter(code="governance-communication")
    )
    by = None

    @classmethod
    def _create(cls, model_class, cycle, ideas, by, **data):
        from actions import services

        return services.action_create(cycle=cycle, ideas=ideas, by=by, **data)

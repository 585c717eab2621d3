import factory

from communes.models import Commune, Membership, Province, Region, Role, User

PASSWORD = "pass-for-tests"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 80) + 20}")
    name_fr = factory.Sequence(lambda n: f"Région {n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"province-{n}")
    region = factory.SubFactory(RegionFactory)
    name_fr = factory.Sequence(lambda n: f"Province {n}")
    name_ar = factory.Sequence(lambda n: f"إقليم {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"commune-{n}")
    province = factory.SubFactory(ProvinceFactory)
    kind = Commune.Kind.RURAL
    name_fr = factory.Sequence(lambda n: f"Commune {n}")
    name_ar = factory.Sequence(lambda n: f"جماعة {n}")


class UserFactory(factory.django.DjangoModelFactory):
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


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR
    commune = factory.SubFactory(CommuneFactory)


def open_cycle(commune, start_year=2022):
    from communes.services import cycle_open

    return cycle_open(commune=commune, start_year=start_year, by=None)

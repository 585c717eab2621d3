"""Demo data of the reports: a province reader of the Oujda-Angad prefecture (demo only)."""

from communes.demo import _user
from communes.models import Membership, Province, Role


def load() -> list[tuple[str, str, str]]:
    province = Province.objects.get(code="oujda-angad")
    user = _user("province.oujda", "Lecteur", "Oujda-Angad")
    Membership.objects.get_or_create(user=user, role=Role.PROVINCE_READER, province=province)
    return [("province.oujda", str(Role.PROVINCE_READER.label), province.name_fr)]

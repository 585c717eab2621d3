"""Every list that round-trips offers its export; editors of an open step also get Import."""

import pytest
from django.urls import reverse

from communes.models import StepStatus

pytestmark = pytest.mark.django_db

LISTS = [
    ("communes:awareness_list", "awareness"),
    ("communes:training_list", "trainees"),
    ("diagnostics:sessions", "consultations"),
    ("diagnostics:findings", "findings"),
    ("diagnostics:ideas", "ideas"),
    ("actions:pac", "actions"),
    ("actions:pac", "financing"),
    ("actions:pac", "indicators"),
]


@pytest.mark.parametrize(("page", "kind"), LISTS)
def test_buttons_by_role(client_for, editor, viewer, cycle, page, kind):
    url = reverse(page, args=["oujda", 2022])
    export = reverse("communes:sheet_export_xlsx", args=["oujda", 2022, kind])
    imports = reverse("communes:sheet_import", args=["oujda", 2022, kind])
    html = client_for(viewer).get(url).content.decode()
    assert export in html and imports not in html
    html = client_for(editor).get(url).content.decode()
    assert export in html and imports in html
    StepStatus.objects.filter(cycle=cycle).update(status="submitted")
    html = client_for(editor).get(url).content.decode()
    assert export in html and imports not in html

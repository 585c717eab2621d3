"""The admin of the reference lists steps 4-5 use."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", ["actions.sniaprogramme", "actions.snmreobjective", "diagnostics.sector"]
)
def test_reference_lists_change_only_at_national_hands(rf, national, editor, model):
    """Staff rights alone (a model permission) do not open the national reference lists."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    model_class = apps.get_model(model)
    model_admin = admin.site._registry[model_class]
    editor.is_staff = True
    editor.save()
    codename = f"change_{model_class._meta.model_name}"
    editor.user_permissions.add(Permission.objects.get(codename=codename))
    request = rf.get("/admin/")
    request.user = type(editor).objects.get(pk=editor.pk)  # permissions cache reloaded
    assert not model_admin.has_change_permission(request)
    request.user = national
    assert model_admin.has_change_permission(request)

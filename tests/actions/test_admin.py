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


@pytest.mark.django_db
def test_every_reference_list_is_in_the_admin_for_national_hands_only(rf, national, editor):
    """A new ``ReferenceItem`` list needs no admin code: it is registered with the others."""
    from django.apps import apps
    from django.contrib import admin

    from communes.reference import ReferenceItem

    lists = [m for m in apps.get_models() if issubclass(m, ReferenceItem)]
    assert {m._meta.label_lower for m in lists} >= {
        "actions.sniaprogramme",
        "actions.snmreobjective",
        "actions.financingsource",
        "diagnostics.sector",
        "diagnostics.targetgroup",
    }
    request = rf.get("/admin/")
    for model in lists:
        model_admin = admin.site._registry[model]
        assert tuple(model_admin.list_display[:3]) == ("code", "name_fr", "name_ar")
        assert {"order", "active"} <= set(model_admin.list_editable)
        request.user = editor
        assert not model_admin.has_add_permission(request)
        request.user = national
        assert model_admin.has_add_permission(request)

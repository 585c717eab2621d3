"""Django's generic editing views behind the step door, for the plain record pages.

A plain create/edit page is a ``RecordFormView`` (Django's ``UpdateView``: no ``uuid`` in the
URL means a new record), a delete page a ``RecordDeleteView``; each names its step, model,
form, template and write service. Every request goes through the door first
(``get_step_for_user(..., write=True)``: outsider 404, read-only user or locked step 403),
records are looked up among the cycle's only (another commune's UUID is a 404), and the
service runs through ``communes.writes.attempt`` (400 / 409, messages next to the fields).
Pages with grids or several forms stay function views.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DeleteView, UpdateView

from .access import get_step_for_user
from .once import once_per_token
from .writes import attempt

PAGE_SIZE = 25  # rows a list page shows


def page_of(request, rows, size: int = PAGE_SIZE, param: str = "page"):
    """The page of ``rows`` the request asks for (``?page=``; a wrong number gives the last or
    the first page, never an error)."""
    return Paginator(rows, size).get_page(request.GET.get(param))


def record_list_view(step_number: int, rows: Callable, figures: Callable, template: str):
    """A step's list page, 25 records a page: ``rows(cycle)`` orders and annotates the cycle's
    records in one query, ``figures(page)`` derives what each row prints, in Python."""

    @require_GET
    def view(request, code, year):
        step = get_step_for_user(request, code, year, step_number)
        page = page_of(request, rows(step.cycle))
        figures(page.object_list)
        return render(request, template, step.context(page=page, step=step.row()))

    return view


def record_paths(route: str, name: str, create, edit, delete) -> list:
    """The URLs of one kind of record's create, edit and delete pages: ``<route>new/``,
    ``<route><uuid>/edit/`` and ``<route><uuid>/delete/``, named ``<name>_create``, ``_edit``
    and ``_delete``."""
    return [
        path(f"{route}new/", create, name=f"{name}_create"),
        path(f"{route}<uuid:uuid>/edit/", edit, name=f"{name}_edit"),
        path(f"{route}<uuid:uuid>/delete/", delete, name=f"{name}_delete"),
    ]


def form_page_views(step_number: int, model, page: Callable, records: Callable | None = None):
    """The create and edit views of a hand-written form page ``page(request, step, record)``
    (one with grids or several forms): both through the step door for writing, the record
    looked up among the cycle's ``records`` only; the create form is sent once."""
    records = records or (lambda cycle: model.objects.filter(cycle=cycle))

    @require_http_methods(["GET", "POST"])
    @once_per_token
    def create(request, code, year):
        step = get_step_for_user(request, code, year, step_number, write=True)
        return page(request, step, model(cycle=step.cycle))

    @require_http_methods(["GET", "POST"])
    def edit(request, code, year, uuid):
        step = get_step_for_user(request, code, year, step_number, write=True)
        return page(request, step, get_object_or_404(records(step.cycle), uuid=uuid))

    return create, edit


class StepDoorMixin:
    step_number: int
    record_arg = ""  # the name the write services give the record: ``finding=``, ``session=``
    http_method_names = ["get", "post"]
    slug_field = slug_url_kwarg = "uuid"

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.step = get_step_for_user(
            request, kwargs["code"], kwargs["year"], self.step_number, write=True
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.filter(cycle=self.step.cycle)

    def get_context_data(self, **kwargs):
        return self.step.context(**super().get_context_data(**kwargs))


class RecordFormView(StepDoorMixin, UpdateView):
    """Create or edit one record of a step through its write service."""

    saved_message = ""  # may name the record's code: "Finding %(code)s saved."
    # The write service: ``save_service(<record_arg>=record, loaded_version=..., by=user)``, with
    # the form's fields named in ``related`` (its many-to-many choices) passed by name too.
    save_service: Callable | None = None
    related: tuple[str, ...] = ()

    def save(self, form):
        """Call the write service with the form's validated data; return the saved record."""
        data = form.cleaned_data
        return type(self).save_service(
            **{self.record_arg: form.save(commit=False)},
            loaded_version=data["loaded_version"],
            by=self.request.user,
            **{name: data[name] for name in self.related},
        )

    def get_object(self, queryset=None):
        if self.slug_url_kwarg not in self.kwargs:
            return self.model(cycle=self.step.cycle)
        return super().get_object(queryset)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cycle": self.step.cycle}

    def form_valid(self, form):
        record, status = attempt(self.request, lambda: self.save(form), form=form)
        if status is not None:
            return self.render_to_response(self.get_context_data(form=form), status=status)
        self.object = record
        messages.success(self.request, self.saved_message % {"code": getattr(record, "code", "")})
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RecordDeleteView(StepDoorMixin, DeleteView):
    """Confirm, then delete one record of a step through its write service; a refusal (the
    record is still used) goes back to ``back_url`` with its message."""

    deleted_message = ""  # may name the record's code: "Action %(code)s deleted."
    detail_url_name = ""  # the record's page, where "Cancel" and a refusal go back to
    list_url_name = ""  # where the record was listed, shown once it is deleted
    delete_service: Callable | None = None  # ``delete_service(<record_arg>=record, by=user)``

    def delete_record(self, record) -> None:
        type(self).delete_service(**{self.record_arg: record}, by=self.request.user)

    def back_url(self) -> str:
        return self.step.url(self.detail_url_name, self.object.uuid)

    def get_success_url(self) -> str:
        return self.step.url(self.list_url_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(back=self.back_url(), **kwargs)

    def form_valid(self, form):
        _done, refused = attempt(self.request, lambda: self.delete_record(self.object))
        if refused:
            return redirect(self.back_url())
        messages.success(
            self.request, self.deleted_message % {"code": getattr(self.object, "code", "")}
        )
        return redirect(self.get_success_url())

"""Pages after step 5: the legal chain (deliberations, visa, frozen annexes), the yearly
follow-up of the adopted actions and the annual execution report.

The door: ``get_cycle_for_user`` (outsiders 404); writes need the commune's editor (403
otherwise) but not an open step 5: the plan stays locked, these records are not the plan's.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communes import permissions
from communes.access import get_cycle_for_user
from communes.writes import attempt

from . import adoption, followup, report_pdf
from .adopted_forms import ActionYearForm, PacDeliberationForm, VisaForm
from .annex import LANGUAGES
from .models import ActionChange, ActionYear, AnnexFreeze, Financing, PacDeliberation

POLL_SECONDS = 3


def _deliberations(cycle):
    """Queries: deliberations with visa and freeze (1) + their changes with actions (1)."""
    return list(
        PacDeliberation.objects.filter(cycle=cycle)
        .select_related("visa", "freeze", "freeze__frozen_by")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=ActionChange.objects.select_related("action").order_by("action__number"),
            )
        )
        .order_by("date", "pk")
    )


def _legal_page(request, cycle, *, form=None, visa_forms=None, status=200):
    """Queries: door (1) + deliberations (2) + failed freezing jobs when one is pending."""
    can_edit = permissions.can_edit_commune(request.user, cycle.commune)
    deliberations = _deliberations(cycle)
    freezes = [getattr(d, "freeze", None) for d in deliberations]
    adoption.freeze_states([f for f in freezes if f])
    visa_forms = visa_forms or {}
    if can_edit:
        form = form or PacDeliberationForm(cycle=cycle, prefix="delib")
        for d in deliberations:
            if not hasattr(d, "visa") and d.pk not in visa_forms:
                visa_forms[d.pk] = VisaForm(prefix=f"visa-{d.pk}")
    for d in deliberations:
        d.visa_form = visa_forms.get(d.pk)
    template = "actions/adopted/_freezes.html" if request.htmx else "actions/adopted/legal.html"
    return render(
        request,
        template,
        {
            "page_title": _("Adoption of the PAC"),
            "tab": "adoption",
            "commune": cycle.commune,
            "cycle": cycle,
            "can_edit": can_edit,
            "deliberations": deliberations,
            "form": form,
            "pending": any(f and f.state == AnnexFreeze.State.FREEZING for f in freezes),
            "poll_seconds": POLL_SECONDS,
            "languages": LANGUAGES,
        },
        status=status,
    )


@require_GET
def legal(request, code, year):
    cycle = get_cycle_for_user(request, code, year)
    return _legal_page(request, cycle)


@require_POST
def deliberation_record(request, code, year):
    cycle = get_cycle_for_user(request, code, year, write=True)
    form = PacDeliberationForm(request.POST, cycle=cycle, prefix="delib")
    if not form.is_valid():
        return _legal_page(request, cycle, form=form, status=400)
    data = form.cleaned_data
    _saved, status = attempt(
        request,
        lambda: adoption.deliberation_record(
            deliberation=form.instance,
            by=request.user,
            added=data["added"],
            changed=data["changed"],
            dropped=data["dropped"],
        ),
        form=form,
    )
    if status:
        return _legal_page(request, cycle, form=form, status=status)
    messages.success(request, _("Deliberation recorded. Its annex is being frozen."))
    return redirect("actions:legal", code=code, year=year)


@require_POST
def visa_record(request, code, year, uuid):
    cycle = get_cycle_for_user(request, code, year, write=True)
    deliberation = get_object_or_404(PacDeliberation, cycle=cycle, uuid=uuid)
    form = VisaForm(request.POST, prefix=f"visa-{deliberation.pk}")
    form.instance.deliberation = deliberation
    if form.is_valid():
        _saved, status = attempt(
            request, lambda: adoption.visa_record(visa=form.instance, by=request.user), form=form
        )
        if status is None:
            messages.success(request, _("Visa recorded: the deliberation is enforceable."))
            return redirect("actions:legal", code=code, year=year)
    else:
        status = 400
    return _legal_page(request, cycle, visa_forms={deliberation.pk: form}, status=status)


@require_GET
def frozen_pdf(request, code, year, uuid, language):
    """A frozen annex, as the council adopted it (the stored file, never rebuilt)."""
    if language not in LANGUAGES:
        raise Http404
    cycle = get_cycle_for_user(request, code, year)
    freeze = get_object_or_404(
        AnnexFreeze,
        deliberation__cycle=cycle,
        deliberation__uuid=uuid,
        state=AnnexFreeze.State.FROZEN,
    )
    name, digest = freeze.file(language)
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    response["X-Annex-SHA256"] = digest
    return response


# --- Follow-up ------------------------------------------------------------------------------


def _year(cycle, year: int) -> int:
    if year not in cycle.years:
        raise Http404
    return year


def _annual_report(request, code, year, fyear):
    """The cycle (read access), the year checked against it and the execution report of
    that year; 404 for a year outside the PAC."""
    cycle = get_cycle_for_user(request, code, year)
    fyear = _year(cycle, fyear)
    return cycle, fyear, followup.annual_report(cycle, fyear)


@require_GET
def followup_year(request, code, year, fyear):
    """The adopted actions and what each became in ``fyear``; with the report's totals."""
    cycle, fyear, report = _annual_report(request, code, year, fyear)
    pdfs = report_pdf.report_states(cycle, fyear, report)
    return render(
        request,
        "actions/adopted/report.html",
        {
            "page_title": _("Execution of the PAC in %(year)s") % {"year": fyear},
            "tab": "followup",
            "commune": cycle.commune,
            "cycle": cycle,
            "fyear": fyear,
            "report": report,
            "measured": followup.report_measure_totals(report),
            "can_edit": permissions.can_edit_commune(request.user, cycle.commune),
            "statuses": ActionYear.Status.choices,
            "pdfs": pdfs,
            "pdfs_pending": any(p.name is None and not p.failed for p in pdfs),
        },
    )


def _sources(action):
    """The financing plan's sources (all of them when the plan names none)."""
    labels = dict(Financing.Source.choices)
    codes = sorted({f.source for f in action.financing.all()}) or list(labels)
    return [(c, labels[c]) for c in codes]


@require_GET
def action_year(request, code, year, fyear, uuid):
    return _action_year(request, code, year, fyear, uuid)


@require_POST
def action_year_save(request, code, year, fyear, uuid):
    return _action_year(request, code, year, fyear, uuid)


def _action_year(request, code, year, fyear, uuid):
    cycle = get_cycle_for_user(request, code, year, write=request.method == "POST")
    fyear = _year(cycle, fyear)
    action = get_object_or_404(
        followup.adopted_actions(cycle).prefetch_related("financing", "indicators"), uuid=uuid
    )
    record = (
        ActionYear.objects.filter(action=action, year=fyear)
        .prefetch_related("money", "measures", "milestones_done")
        .first()
    )
    can_edit = permissions.can_edit_commune(request.user, cycle.commune)
    sources, indicators = _sources(action), list(action.indicators.order_by("pk"))
    initial = {}
    if record:
        initial = {
            "status": record.status,
            "reason": record.reason,
            "note": record.note,
            "milestones": list(record.milestones_done.all()),
            "loaded_version": record.version,
        }
        for m in record.money.all():
            initial[f"committed_{m.source}"], initial[f"paid_{m.source}"] = m.committed, m.paid
        for m in record.measures.all():
            for k in ("value", "women", "men", "migrants"):
                initial[f"{k}_{m.indicator_id}"] = getattr(m, k)
    form = ActionYearForm(
        request.POST or None,
        initial=initial,
        action=action,
        sources=sources,
        indicators=indicators,
        prefix="fu",
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            _saved, status = attempt(
                request,
                lambda: followup.action_year_save(
                    action=action,
                    year=fyear,
                    status=d["status"],
                    reason=d["reason"],
                    note=d["note"],
                    milestones=list(d["milestones"]),
                    money=form.money(),
                    measures=form.measures(),
                    loaded_version=d["loaded_version"],
                    by=request.user,
                ),
                form=form,
            )
            if status is None:
                messages.success(request, _("Follow-up of %(year)s saved.") % {"year": fyear})
                return redirect("actions:followup", code=code, year=year, fyear=fyear)
    return render(
        request,
        "actions/adopted/action_year.html",
        {
            "page_title": _("%(code)s: follow-up of %(year)s")
            % {"code": action.code, "year": fyear},
            "tab": "followup",
            "commune": cycle.commune,
            "cycle": cycle,
            "fyear": fyear,
            "action": action,
            "record": record,
            "form": form,
            "can_edit": can_edit,
            "sources": sources,
            "indicators": indicators,
        },
        status=status,
    )


@require_GET
def report_pdf_file(request, code, year, fyear, language):
    """The annual report's PDF when built for the current data, else (303) the report page."""
    if language not in LANGUAGES:
        raise Http404
    cycle, fyear, report = _annual_report(request, code, year, fyear)
    state = next(
        s for s in report_pdf.report_states(cycle, fyear, report) if s.language == language
    )
    if state.name is None:
        response = redirect("actions:followup", code=code, year=year, fyear=fyear)
        response.status_code = 303
        return response
    response = FileResponse(
        default_storage.open(state.name, "rb"),
        as_attachment=True,
        filename=f"execution-pac-{cycle.commune.code}-{fyear}-{language}.pdf",
        content_type="application/pdf",
    )
    response["Content-Language"] = language
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_xlsx(request, code, year, fyear):
    """The annual execution report as a spreadsheet: one row per action, then the totals."""
    from openpyxl import Workbook

    cycle, fyear, report = _annual_report(request, code, year, fyear)
    book = Workbook()
    sheet = book.active
    sheet.title = str(fyear)
    sheet.append(
        [
            _("Code"),
            _("Action"),
            _("Status"),
            _("Planned (MAD)"),
            _("Committed (MAD)"),
            _("Paid (MAD)"),
            _("Beneficiaries: women"),
            _("Beneficiaries: men"),
        ]
    )
    labels = dict(ActionYear.Status.choices)
    for row in report.rows:
        sheet.append(
            [
                row.action.code,
                row.action.title,
                str(labels[row.record.status]) if row.record else _("not recorded"),
                row.planned,
                row.committed,
                row.paid,
                row.action.beneficiaries_women,
                row.action.beneficiaries_men,
            ]
        )
    sheet.append(
        [
            "",
            _("Total"),
            "",
            report.planned,
            report.committed,
            report.paid,
            report.beneficiaries_women,
            report.beneficiaries_men,
        ]
    )
    measures = book.create_sheet(_("Indicators"))
    measures.append(
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("Measured"),
            _("Women"),
            _("Men"),
            _("Migrants"),
        ]
    )
    for row in report.rows:
        for indicator, m in row.measures:
            measures.append(
                [
                    row.action.code,
                    indicator.name,
                    indicator.unit,
                    indicator.target,
                    m.value if m else None,
                    m.women if m else None,
                    m.men if m else None,
                    m.migrants if m else None,
                ]
            )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="execution-pac-{cycle.commune.code}-{fyear}.xlsx"'
    )
    return response

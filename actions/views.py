"""Steps 4 and 5 pages, under /communes/<code>/pac/<first year>/plan/ (see prim/urls.py).

Every view goes through the access door (``get_step_for_user``: outsider 404,
read-only 403) and reaches records through querysets filtered by that cycle, so a
record of another commune is a 404 whatever its UUID. Writes also need the step to
be open for the commune (``can_edit_step``).

Base queries of every page (the arithmetic the query-count tests pin):
session (1) + user (1) + the user's memberships (1, cached per request)
+ cycle with its commune and territory (1) + the step's status (1) = 5.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communes import keep, numbers, permissions
from communes.access import get_step_for_user
from communes.bilingual import bi_text
from communes.errors import STALE_MESSAGE, StaleRecord, StepLocked
from communes.generic import RecordDeleteView, form_page_views, page_of
from communes.models import StepStatus
from communes.writes import attempt
from diagnostics.models import ProjectIdea

from . import selectors, services
from .forms import (
    FORMSET_PREFIXES,
    ActionForm,
    CriteriaForm,
    DecisionFormSet,
    DeliberationForm,
    OpinionForm,
    ScoreForm,
    action_formsets,
)
from .models import (
    INTEGRATION_STEP,
    PRIORITISATION_STEP,
    CouncilDeliberation,
    CriterionKind,
    Financing,
    IdeaDecision,
    IeecagOpinion,
    PacAction,
    Score,
)
from .scoring import criteria_of, rank_ideas, weights_total

# --- Step 4: criteria and weights ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def criteria(request, code, year):
    """The weights of the criteria. Queries: 5 base + criteria (1) + scores exist (1)."""
    step = get_step_for_user(request, code, year, PRIORITISATION_STEP, write=True)
    current = criteria_of(step.cycle)
    status = 200
    if request.method == "POST":
        form = CriteriaForm(request.POST, criteria=current)
        status = 400
        if form.is_valid():
            _criteria, status = attempt(
                request,
                lambda: services.criteria_save(
                    cycle=step.cycle,
                    weights=form.weights,
                    versions=form.loaded_versions,
                    by=request.user,
                ),
                form=form,
            )
            if status is None:
                messages.success(request, _("Weights saved; the ranking uses them now."))
                return redirect(step.url("actions:grid"))
    else:
        form = CriteriaForm(criteria=current)
    scored = Score.objects.filter(criterion__cycle=step.cycle).exists()
    return render(
        request,
        "actions/criteria.html",
        step.context(form=form, scored=scored, tab="grid", page_title=_("Criteria and weights")),
        status=status,
    )


# --- Step 4: the scoring grid --------------------------------------------------------------------


def _grid_rows(cycle, ideas, criteria_list, ranking):
    """Rows of the grid for ``ideas``: one query for their scores."""
    scores = {
        (s.idea_id, s.criterion_id): s
        for s in Score.objects.filter(idea__in=[i.pk for i in ideas], criterion__cycle=cycle)
    }
    tied = defaultdict(int)
    for r in ranking.ideas.values():
        tied[r.rank] += 1
    rows = []
    for idea in ideas:
        result = ranking.get(idea.pk)
        rows.append(
            {
                "idea": idea,
                "ranking": result,
                "tie": result.rank is not None and tied[result.rank] > 1,
                "cells": [
                    (criterion, scores.get((idea.pk, criterion.pk))) for criterion in criteria_list
                ],
            }
        )
    return rows


def _ideas(cycle):
    return (
        ProjectIdea.objects.filter(cycle=cycle)
        .select_related("sector", "decision", "action_link__action")
        .order_by("number")
    )


@require_GET
def grid(request, code, year):
    """Ideas x criteria, 25 ideas a page. Queries: 5 base + step 4 summary (1)
    + criteria (1) + ranking (1) + count (1) + page of ideas with decision and action (1)
    + their scores (1) = 11, whatever the number of ideas and scores."""
    step = get_step_for_user(request, code, year, PRIORITISATION_STEP)
    criteria_list = criteria_of(step.cycle)
    ranking = rank_ideas(step.cycle, criteria_list)
    page = page_of(request, _ideas(step.cycle))
    rows = _grid_rows(step.cycle, list(page.object_list), criteria_list, ranking)
    return render(
        request,
        "actions/grid.html",
        step.context(
            tab="grid",
            page_title=_("Scoring grid"),
            step=step.row(),
            criteria=criteria_list,
            weights_total=weights_total(criteria_list),
            page=page,
            rows=rows,
        ),
    )


@require_http_methods(["GET", "POST"])
def score_cell(request, code, year, uuid, kind):
    """Edit one cell of the grid: in place with htmx (returns the updated row), or as a
    plain form page without JavaScript (post, then back to the grid)."""
    step = get_step_for_user(request, code, year, PRIORITISATION_STEP, write=True)
    if kind not in CriterionKind.values:
        raise Http404
    idea = get_object_or_404(ProjectIdea.objects.filter(cycle=step.cycle), uuid=uuid)
    criteria_list = criteria_of(step.cycle)
    criterion = next(c for c in criteria_list if c.kind == kind)
    score = Score.objects.filter(idea=idea, criterion=criterion).first() if criterion.pk else None
    status = 200
    if request.method == "POST":
        form = ScoreForm(request.POST)
        status = 400
        if form.is_valid():

            @transaction.atomic
            def save():
                nonlocal criterion
                if not criterion.pk:
                    criteria_list = services.criteria_ensure(cycle=step.cycle)
                    criterion = next(c for c in criteria_list if c.kind == kind)
                services.score_set(
                    idea=idea,
                    criterion=criterion,
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                    loaded_version=form.cleaned_data["loaded_version"],
                    by=request.user,
                )

            _score, status = attempt(request, save, form=form)
            if status is None:
                if request.htmx:
                    return _row_response(request, step, idea)
                messages.success(
                    request,
                    _("Score of %(idea)s saved.") % {"idea": idea.code},
                )
                return redirect(step.url("actions:grid") + f"#idea-{idea.uuid}")
    else:
        form = ScoreForm(
            initial={
                "value": score.value if score else "",
                "reason": score.reason if score else "",
                "loaded_version": score.version if score else None,
            }
        )
    context = step.context(
        idea=idea,
        criterion=criterion,
        form=form,
        score=score,
        tab="grid",
        page_title=_("Score an idea"),
    )
    if request.htmx:
        response = render(
            request, "actions/_score_form.html", {**context, "inline": True}, status=status
        )
        if request.method == "POST":  # an error: show the form again in its cell, not the row
            response["HX-Retarget"] = f"#cell-{idea.uuid}-{criterion.kind}"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(request, "actions/score_form.html", context, status=status)


def _row_response(request, step, idea):
    """The updated row, plus the rank cells of the other rows (their ranks may have moved)."""
    criteria_list = criteria_of(step.cycle)
    ranking = rank_ideas(step.cycle, criteria_list)
    idea = _ideas(step.cycle).get(pk=idea.pk)
    row = _grid_rows(step.cycle, [idea], criteria_list, ranking)[0]
    tied = defaultdict(int)
    for r in ranking.ideas.values():
        tied[r.rank] += 1
    ranks = [
        {"uuid": uuid, "ranking": ranking.get(pk), "tie": tied[ranking.get(pk).rank] > 1}
        for pk, uuid in ProjectIdea.objects.filter(cycle=step.cycle)
        .exclude(pk=idea.pk)
        .values_list("pk", "uuid")
    ]
    return render(
        request,
        "actions/_grid_row_response.html",
        step.context(row=row, criteria=criteria_list, ranks=ranks),
    )


# --- Step 4: opinion, deliberation, decisions ----------------------------------------------------


def _decision_rows(cycle, ranking, data=None):
    """Ideas by rank, with a decision form each."""
    ideas = list(_ideas(cycle).prefetch_related("target_groups"))
    ideas.sort(key=lambda i: (ranking.get(i.pk).rank or 10_000, i.number))
    initial = []
    for idea in ideas:
        # No decision yet: Django's RelatedObjectDoesNotExist is an AttributeError.
        decision = getattr(idea, "decision", None)
        initial.append(
            {
                "idea": idea.uuid,
                "outcome": decision.outcome if decision else "",
                "reason": str(bi_text(decision, "reason")) if decision else "",
                "loaded_version": decision.version if decision else None,
            }
        )
    formset = DecisionFormSet(data, initial=initial, prefix="decisions")
    return ideas, formset


def _decision_page(
    request, step, *, opinion_form=None, deliberation_form=None, data=None, errors=(), status=200
):
    """Queries: 5 base + step 4 summary (1) + opinion (1) + deliberation (1)
    + criteria (1) + ranking (1) + ideas with decision and action (1) + target groups (1)
    + the step 5 status for an editor (1) = 13."""
    cycle = step.cycle
    opinion = IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = CouncilDeliberation.objects.filter(cycle=cycle).first()
    ranking = rank_ideas(cycle)
    ideas, formset = _decision_rows(cycle, ranking, data)
    # Posted rows go back next to their own idea (by its UUID), never by position.
    posted = {str(form["idea"].value()): form for form in formset.forms}
    if data is not None and set(posted) != {str(idea.uuid) for idea in ideas}:
        # Ideas were added or removed since the page was loaded: show the list afresh.
        messages.warning(
            request,
            _(
                "The list of ideas changed since you opened this page. Here it is again: "
                "enter the decisions again."
            ),
        )
        ideas, formset = _decision_rows(cycle, ranking)
        posted = {str(form["idea"].value()): form for form in formset.forms}
    if step.can_edit:
        opinion_form = opinion_form or OpinionForm(
            instance=opinion or IeecagOpinion(cycle=cycle), prefix="opinion"
        )
        deliberation_form = deliberation_form or DeliberationForm(
            instance=deliberation or CouncilDeliberation(cycle=cycle), prefix="deliberation"
        )
    rows = [
        {
            "idea": idea,
            "form": form,
            "ranking": ranking.get(idea.pk),
            "decision": getattr(idea, "decision", None),
            "action": idea.action_link.action if hasattr(idea, "action_link") else None,
        }
        for idea in ideas
        for form in [posted[str(idea.uuid)]]
    ]
    return render(
        request,
        "actions/decision.html",
        step.context(
            tab="decision",
            page_title=_("The council's decision"),
            can_edit_step5=_can_edit_step5(step),
            step=step.row(),
            opinion=opinion,
            deliberation=deliberation,
            opinion_form=opinion_form,
            deliberation_form=deliberation_form,
            formset=formset,
            errors=errors,
            rows=rows,
            adopted_without_action=[
                r["idea"]
                for r in rows
                if r["decision"] and r["decision"].outcome == "adopted" and not r["action"]
            ],
        ),
        status=status,
    )


def _can_edit_step5(step) -> bool:
    """May the user write action sheets (step 5)? One query, only for the commune's editors."""
    if not permissions.can_edit_commune(step.request.user, step.cycle.commune):
        return False
    status = StepStatus.objects.filter(cycle=step.cycle, step=INTEGRATION_STEP).first()
    return permissions.can_edit_step(
        step.request.user, step.cycle, status or StepStatus(cycle=step.cycle, step=INTEGRATION_STEP)
    )


@require_GET
def decision(request, code, year):
    step = get_step_for_user(request, code, year, PRIORITISATION_STEP)
    return _decision_page(request, step)


def _filled(form, record) -> bool:
    """Is this part of the decision page to be saved? Yes when its record exists or
    something was typed in it: an opinion not given yet may stay empty."""
    if record is not None:
        return True
    return any(
        (form.data.get(form.add_prefix(name)) or "").strip()
        for name in form.fields
        if name != "loaded_version"
    )


@require_POST
def decision_save(request, code, year):
    """The opinion, the deliberation and the decisions, saved together or not at all."""
    step = get_step_for_user(request, code, year, PRIORITISATION_STEP, write=True)
    cycle, data = step.cycle, request.POST
    opinion = IeecagOpinion.objects.filter(cycle=cycle).first()
    deliberation = CouncilDeliberation.objects.filter(cycle=cycle).first()
    opinion_form = OpinionForm(
        data, instance=opinion or IeecagOpinion(cycle=cycle), prefix="opinion"
    )
    to_save, valid, opinion_date = [], True, None
    if _filled(opinion_form, opinion):
        valid = opinion_form.is_valid()
        opinion_date = opinion_form.cleaned_data.get("date")
        to_save.append(opinion_form)
    deliberation_form = DeliberationForm(
        data,
        instance=deliberation or CouncilDeliberation(cycle=cycle),
        prefix="deliberation",
        opinion_date=opinion_date,
    )
    if _filled(deliberation_form, deliberation):
        valid = deliberation_form.is_valid() and valid
        to_save.append(deliberation_form)
    formset = DecisionFormSet(data, prefix="decisions")
    valid = formset.is_valid() and valid
    status, errors = 400, []
    if valid:
        ideas = {
            i.uuid: i
            for i in ProjectIdea.objects.filter(
                cycle=cycle, uuid__in=[f.cleaned_data["idea"] for f in formset.forms]
            )
        }
        rows = [
            {
                "idea": ideas[form.cleaned_data["idea"]],
                "outcome": form.cleaned_data["outcome"],
                "reason": form.cleaned_data["reason"],
                "loaded_version": form.cleaned_data["loaded_version"],
            }
            for form in formset.forms
            # An idea of another cycle, or deleted meanwhile, is left out.
            if form.cleaned_data["idea"] in ideas
        ]
        try:
            with transaction.atomic():
                for form in to_save:
                    services.cycle_record_save(
                        record=form.save(commit=False),
                        loaded_version=form.cleaned_data["loaded_version"],
                        by=request.user,
                    )
                services.decisions_save(cycle=cycle, rows=rows, by=request.user)
        except StepLocked as error:
            raise PermissionDenied(error.messages[0]) from error
        except StaleRecord:
            if not any(form.non_field_errors() for form in to_save):
                messages.error(request, STALE_MESSAGE)  # a decision changed meanwhile
            status = 409
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The council's decision saved."))
            return redirect(step.url("actions:decision"))
    return _decision_page(
        request,
        step,
        opinion_form=opinion_form if opinion_form in to_save else None,
        deliberation_form=deliberation_form if deliberation_form in to_save else None,
        data=data,
        errors=errors,
        status=status,
    )


# --- Step 5: the PAC page ------------------------------------------------------------------------


@require_GET
def pac(request, code, year):
    """The PAC of the cycle. Queries: 5 base + step 5 summary (1: counts, budget totals,
    marker shares, financing total) + costs by year (1) + financing by source (1) + count (1)
    + page of actions with totals (1) + their costs (1) + milestones (1) + the thread (ideas 1,
    findings 1, sessions 1) + adopted ideas without an action (1) = 16, whatever the number
    of actions."""
    step = get_step_for_user(request, code, year, INTEGRATION_STEP)
    cycle = step.cycle
    totals = step.summary.totals
    years = list(cycle.years)
    by_year = selectors.cost_by_year(cycle)
    by_source = {row["source"]: row for row in selectors.financing_by_source(cycle)}
    financing_rows = [
        {"label": label, "by_status": by_source[key]["by_status"], "total": by_source[key]["total"]}
        for key, label in Financing.Source.choices
        if key in by_source
    ]
    actions = PacAction.objects.filter(cycle=cycle).for_list().order_by("axis", "axis_ar", "number")
    page = page_of(request, actions)
    axes = []
    for action in page.object_list:
        costs = {c.year: c.amount for c in action.costs.all()}
        action.cost_by_year = [costs.get(y) for y in years]
        action.progress = services.action_progress(action, action.milestones.all())
        action.thread = selectors.action_thread(action)
        action.gap = action.cost_total - action.financing_total
        axis = bi_text(action, "axis")
        if not axes or axes[-1]["axis"] != axis:
            axes.append({"axis": axis, "actions": []})
        axes[-1]["actions"].append(action)
    waiting = list(
        ProjectIdea.objects.filter(
            cycle=cycle, decision__outcome=IdeaDecision.Outcome.ADOPTED, action_link__isnull=True
        ).order_by("number")
    )
    return render(
        request,
        "actions/pac.html",
        step.context(
            tab="pac",
            page_title=_("PAC actions"),
            step=step.row(),
            years=years,
            years_costs=list(
                zip(years, [by_year.get(y) or Decimal(0) for y in years], strict=True)
            ),
            firm_until=cycle.start_year + 2,
            total_cost=totals.cost,
            financing_rows=financing_rows,
            financing_statuses=Financing.Status.choices,
            financing_total=totals.financing,
            financing_by_status=[
                sum((r["by_status"][i] for r in financing_rows), Decimal(0))
                for i in range(len(Financing.Status.values))
            ],
            gap=totals.financing_gap,
            gender_share=totals.budget.gender_share,
            migration_share=totals.budget.migration_share,
            page=page,
            axes=axes,
            waiting=waiting,
            progress_rule=services.PROGRESS_RULE,
        ),
    )


# --- Step 5: an action sheet ---------------------------------------------------------------------


def _actions(cycle):
    return PacAction.objects.filter(cycle=cycle)


@require_GET
def action_detail(request, code, year, uuid):
    """One action sheet. Queries: 5 base + the action ``for_sheet`` (11: with totals,
    yearly costs, milestones, thread 3, SNIA, SNMRE, groups, financing, indicators)
    + ranking (2) + opinion and deliberation (2) = 20."""
    step = get_step_for_user(request, code, year, INTEGRATION_STEP)
    action = get_object_or_404(_actions(step.cycle).for_sheet(), uuid=uuid)
    thread = selectors.action_thread(action)
    ranking = rank_ideas(step.cycle)
    ranks = [ranking.get(i.pk).rank for i in thread["ideas"] if ranking.get(i.pk).rank]
    return render(
        request,
        "actions/action_detail.html",
        step.context(
            tab="pac",
            page_title=action.code,
            action=action,
            thread=thread,
            rank=min(ranks) if ranks else None,
            firm_until=step.cycle.start_year + 2,
            progress=services.action_progress(action, action.milestones.all()),
            progress_rule=services.PROGRESS_RULE,
            gap=action.cost_total - action.financing_total,
            opinion=IeecagOpinion.objects.filter(cycle=step.cycle).first(),
            deliberation=CouncilDeliberation.objects.filter(cycle=step.cycle).first(),
        ),
    )


def _action_form_page(request, step, action):
    creating = action.pk is None
    cycle = step.cycle
    data = request.POST if request.method == "POST" else None
    initial = {}
    if creating and data is None:
        # Prefilled from the idea(s) chosen on the decision page: ?idea=<uuid>.
        # A value that is not a UUID (a mistyped link) is ignored, not a server error.
        wanted = []
        for value in request.GET.getlist("idea")[:10]:
            try:
                wanted.append(uuid.UUID(value))
            except ValueError:
                continue
        chosen = list(
            ProjectIdea.objects.filter(cycle=cycle, uuid__in=wanted)
            .select_related("sector")
            .prefetch_related("target_groups")
            .order_by("number")
        )
        if chosen:
            first = chosen[0]
            initial = {
                "ideas": [i.pk for i in chosen],
                "title": first.title,
                "title_ar": first.title_ar,
                "sector": first.sector_id,
                "target_groups": [g.pk for g in first.target_groups.all()],
                "beneficiaries_women": first.beneficiaries_women,
                "beneficiaries_men": first.beneficiaries_men,
            }
    adding = keep.added_row(request, FORMSET_PREFIXES)
    if adding:  # "Add a row" without JavaScript: what was typed, and one more row
        data = keep.with_extra_row(data, adding)
    form = ActionForm(data, instance=action, cycle=cycle, initial=initial)
    formsets = action_formsets(action, cycle, data)
    status = 200
    if adding:
        keep.without_errors(form, *formsets.values())
    elif data is not None:
        valid = form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid
        if valid:
            cleaned = form.cleaned_data
            rows = {
                name: (formset.save(commit=False), formset.deleted_objects)
                for name, formset in formsets.items()
            }
            saved, status = attempt(
                request,
                lambda: services.action_save(
                    action=form.save(commit=False),
                    loaded_version=cleaned["loaded_version"],
                    ideas=cleaned["ideas"],
                    rows=rows,
                    by=request.user,
                    **{name: cleaned[name] for name in PacAction.REFERENCE_LISTS},
                ),
                form=form,
                formsets=formsets,
            )
            if status is None:
                action, gap = saved
                messages.success(request, _("Action %(code)s saved.") % {"code": action.code})
                if gap > 0:
                    messages.warning(
                        request,
                        _("The financing does not cover the cost yet: %(gap)s still to find.")
                        % {"gap": numbers.money(gap)},
                    )
                return redirect(step.url("actions:action", action.uuid))
        else:
            status = 400
    axes = sorted(set(PacAction.objects.filter(cycle=cycle).values_list("axis", "axis_ar")))
    return render(
        request,
        "actions/action_form.html",
        step.context(
            tab="pac",
            page_title=_("New action sheet") if creating else action.code,
            progress_rule=services.PROGRESS_RULE,
            form=form,
            formsets=formsets,
            action=action,
            creating=creating,
            axes=axes,
            firm_until=cycle.start_year + 2,
        ),
        status=status,
    )


action_create, action_edit = form_page_views(INTEGRATION_STEP, PacAction, _action_form_page)


class ActionDelete(RecordDeleteView):
    step_number = INTEGRATION_STEP
    model = PacAction
    context_object_name = "action"
    template_name = "actions/action_confirm_delete.html"
    deleted_message = gettext_lazy("Action %(code)s deleted.")
    detail_url_name = "actions:action"
    list_url_name = "actions:pac"

    delete_service, record_arg = services.action_delete, "action"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tab="pac", page_title=self.object.code, **kwargs)


action_delete = ActionDelete.as_view()

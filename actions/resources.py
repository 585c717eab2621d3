"""Spreadsheet round-trip of step 5: PAC actions with their yearly costs (``communes.sheets``).

One row an action; its yearly costs are one column a year of the PAC ("Cost 2024"), so the
sheet is the PAC's budget table. The financing plan reads as a total (not imported: its lines
have no code of their own, the action sheet edits them). A confirmed import runs the same
money checks as the action sheet (costs inside the PAC and the action's years, financing not
above the cost), row by row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communes.errors import ServiceError
from communes.numbering import reserve_numbers
from communes.numbers import listing
from communes.resources import SheetResource, whole_number
from communes.sheets import (
    BooleanWidget,
    ChoiceWidget,
    CodeListWidget,
    Column,
    CycleResource,
    DateWidget,
    DecimalWidget,
    ReferenceListWidget,
    RowError,
    TextWidget,
    column,
    norm,
    optional_text,
    parse_date,
    read_only,
    register,
    required_text,
)
from communes.signals import send_cycles_changed
from diagnostics.models import ProjectIdea, TargetGroup
from diagnostics.resources import TITLE_HELP, sector_column

from . import services
from .models import (
    INTEGRATION_STEP,
    ActionCost,
    ActionIdea,
    Financing,
    FinancingSource,
    IdeaDecision,
    Indicator,
    Marker,
    PacAction,
    SniaProgramme,
    SnmreObjective,
    programme_overruns,
)


class OptionalDateWidget(DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)


class IdeaCodesWidget(CodeListWidget):
    """The adopted ideas an action comes from, by code ("I-01; I-04")."""

    EMPTY = gettext_lazy("Write the code of at least one adopted idea this action comes from.")
    UNKNOWN = gettext_lazy("No idea has the code “%(code)s” in this PAC.")

    def __init__(self, cycle=None):
        super().__init__(ProjectIdea, cycle)


M2M = ("snia_programmes", "snmre_objectives", "target_groups")
BATCH = 1000
CENT = Decimal("0.01")
COST_DIGITS = DecimalValidator(14, 2)  # ActionCost.amount's digits
# What an imported row may change on an action (bulk_update's fields).
ACTION_FIELDS = [
    f.name
    for f in PacAction._meta.concrete_fields
    if f.name not in ("id", "uuid", "cycle", "number", "created_at")
]


@dataclass
class _Planned:
    """A checked row of a confirmed import, waiting for the bulk write."""

    action: PacAction
    ideas: list
    m2m: dict[str, list]
    costs: dict[int, Decimal] | None
    stored_costs: list = field(default_factory=list)
    stored_m2m: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.action.pk is not None:  # read from the prefetch of ``get_queryset``
            self.stored_costs = list(self.action.costs.all())
            self.stored_m2m = {
                self.action.pk: {
                    name: sorted(i.pk for i in getattr(self.action, name).all()) for name in M2M
                }
            }


def _through_target(through) -> str:
    """The through table's column pointing at the reference item (not at the action)."""
    return next(
        f.attname
        for f in through._meta.concrete_fields
        if f.is_relation and f.related_model is not PacAction
    )


OPTIONAL = gettext_lazy("Optional.")
LIST_HELP = gettext_lazy("Several values separated by “;”, by code or name. Optional.")


def _optional_date(name: str) -> Column:
    return column(name, OptionalDateWidget(), help=gettext_lazy("A date (14/03/2025). Optional."))


def _marker(name: str) -> Column:
    """The gender or the migration marker (0, 1 or 2)."""
    return column(
        name,
        ChoiceWidget(Marker.choices, required=False, default=Marker.NOT_TARGETED),
        help=gettext_lazy("0, 1 or 2; empty: 0."),
    )


def _yes_no(name: str) -> Column:
    return column(name, BooleanWidget(), help=gettext_lazy("oui / non; empty: non."))


class ActionResource(SheetResource):
    STEP = INTEGRATION_STEP
    # The preview checks the action sheet's rules on the row itself (``_preview_checks``)
    # rather than saving and rolling back: 5,000 actions in seconds, not minutes.

    title = required_text("title", help=TITLE_HELP)
    title_ar = optional_text("title_ar")
    ideas = column(
        "ideas",
        IdeaCodesWidget(),
        label=gettext_lazy("Ideas"),
        help=gettext_lazy("Codes of adopted ideas of this PAC separated by “;” (I-01; I-04)."),
        required=True,
    )
    axis = required_text("axis")
    sector = sector_column()
    competence = column(
        "competence",
        ChoiceWidget(
            PacAction.Competence.choices, required=False, default=PacAction.Competence.OWN
        ),
        help=gettext_lazy("own, shared or transferred."),
    )
    partner_convention = optional_text("partner_convention")
    snia_programmes = column("snia_programmes", ReferenceListWidget(SniaProgramme), help=LIST_HELP)
    snmre_objectives = column(
        "snmre_objectives", ReferenceListWidget(SnmreObjective), help=LIST_HELP
    )
    objectives = required_text("objectives")
    expected_results = optional_text("expected_results")
    target_groups = column("target_groups", ReferenceListWidget(TargetGroup), help=LIST_HELP)
    beneficiaries_women = whole_number("beneficiaries_women")
    beneficiaries_men = whole_number("beneficiaries_men")
    location = optional_text("location")
    partners = optional_text("partners")
    lead_service = optional_text("lead_service")
    start_date = _optional_date("start_date")
    end_date = _optional_date("end_date")
    gender_marker = _marker("gender_marker")
    migration_marker = _marker("migration_marker")
    status = column(
        "status",
        ChoiceWidget(PacAction.Status.choices, required=False, default=PacAction.Status.PLANNED),
        help=gettext_lazy("planned, in_progress, completed or abandoned."),
    )
    status_reason = optional_text("status_reason")
    financing_total = read_only(
        "financing_total",
        gettext_lazy("Financing (MAD)"),
        gettext_lazy("Read only: the total of the financing plan, edited on the action sheet."),
        widget=DecimalWidget(),
    )

    class Meta(CycleResource.Meta):
        model = PacAction

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # One column a year of the PAC, after the action's own columns.
        for year in self.cycle.years:
            key = f"cost_{year}"
            self.fields[key] = Column(
                column_name=key,
                widget=DecimalWidget(),
                label=_cost_label(year),
                help=gettext_lazy("Cost of that year in MAD; empty: no cost that year."),
            )

    def export_field(self, field, instance, **kwargs):
        if field.column_name.startswith("cost_"):
            return self._costs(instance).get(int(field.column_name[5:]))
        return super().export_field(field, instance, **kwargs)

    def dehydrate_financing_total(self, action):
        return float(sum((f.amount for f in action.financing.all()), Decimal(0)))

    def get_queryset(self):
        return (
            PacAction.objects.filter(cycle=self.cycle)
            .select_related("sector")
            .prefetch_related(
                "ideas",
                "snia_programmes",
                "snmre_objectives",
                "target_groups",
                "financing",
                Prefetch("costs", queryset=ActionCost.objects.order_by("year")),
            )
            .order_by("number")
        )

    @staticmethod
    def _costs(action) -> dict[int, Decimal]:
        if action.pk is None:
            return {}
        return {c.year: c.amount for c in action.costs.all()}

    def _wanted_costs(self, row) -> dict[int, Decimal] | None:
        """The row's costs by year; ``None`` when the file has no cost column."""
        keys = [k for k in row if k.startswith("cost_")]
        if not keys:
            return None
        wanted = {}
        for key in keys:
            amount = self.fields[key].clean(row) if key in self.fields else None
            if amount is not None:
                wanted[int(key[5:])] = amount
        return wanted

    def extra_columns(self, row) -> list[str]:
        return [k for k in row if k.startswith("cost_") and k in self.fields]

    def extras_changed(self, original, row) -> bool:
        wanted = self._wanted_costs(row)
        return wanted is not None and wanted != self._costs(original)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        ideas = ProjectIdea.objects.filter(cycle=self.cycle)
        self._decided = dict(
            IdeaDecision.objects.filter(idea__in=ideas).values_list("idea_id", "outcome")
        )
        self._links = defaultdict(list)  # action id -> its idea links
        for link in ActionIdea.objects.filter(idea__in=ideas):
            self._links[link.action_id].append(link)
        self._taken = {
            link.idea_id: action for action, links in self._links.items() for link in links
        }
        self._planned: list[_Planned] = []
        self._financing = defaultdict(lambda: defaultdict(Decimal))
        lines = Financing.objects.filter(action__cycle=self.cycle)
        for action, source, amount in lines.values_list("action", "source", "amount"):
            self._financing[action][source] += amount
        self._ideas_in_file = {}

    def _preview_checks(self, instance, row) -> None:
        """The action sheet's rules (``services.link_ideas`` and ``check_money``) on the row,
        without writing: adopted ideas in no other action (nor twice in the file), costs in
        the PAC's and the action's years, financing within the cost and its programmes."""
        messages = []
        for idea in self.fields["ideas"].clean(row):
            other = self._taken.get(idea.pk)
            if self._decided.get(idea.pk) != IdeaDecision.Outcome.ADOPTED:
                messages.append(_("%(idea)s was not adopted by the council.") % {"idea": idea.code})
            elif (other is not None and other != instance.pk) or (
                self._ideas_in_file.setdefault(idea.pk, id(row)) != id(row)
            ):
                messages.append(_("%(idea)s is already in another action.") % {"idea": idea.code})
        costs = self._wanted_costs(row)
        if costs is None:
            costs = self._costs(instance)
        for amount in costs.values():
            if amount < 0:
                messages.append(_("An amount cannot be negative."))
            else:
                try:  # the column's 14 digits, 2 after the point (checked before the bulk write)
                    COST_DIGITS(amount.quantize(CENT) if amount.adjusted() < 20 else amount)
                except ValidationError as error:
                    messages += error.messages
        cycle = self.cycle
        first = instance.start_date.year if instance.start_date else cycle.start_year
        last = instance.end_date.year if instance.end_date else cycle.end_year
        first, last = max(first, cycle.start_year), min(last, cycle.end_year)
        outside = sorted(year for year in costs if not first <= year <= last)
        if outside:
            messages.append(
                _("%(years)s is outside the action's dates (%(first)s-%(last)s).")
                % {"years": listing(outside), "first": first, "last": last}
            )
        by_source = dict(self._financing.get(instance.pk, {})) if instance.pk else {}
        cost, money = sum(costs.values(), Decimal(0)), sum(by_source.values(), Decimal(0))
        if money > cost:
            messages.append(services.excess_message(money, cost))
        elif by_source:
            for overrun in programme_overruns(costs, by_source).values():
                messages.append(services.overrun_message(*overrun))
        if messages:
            raise ValueError(" ".join(messages))

    # A confirmed import runs the preview's checks on each row, in memory, then writes every
    # row at once (``_write``): bulk inserts and updates, numbers taken from the counter in one
    # block, history rows with the importing user in bulk. No row is saved on its own, so no
    # savepoint a row either; the whole write stays in the import's one transaction.
    ROW_SAVEPOINTS = False

    def save_instance(self, instance, is_create, row, **kwargs):
        if not kwargs.get("dry_run"):
            self.before_save_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        self._preview_checks(instance, row)
        if kwargs.get("dry_run"):
            return
        self._planned.append(
            _Planned(
                action=instance,
                ideas=self.fields["ideas"].clean(row),
                m2m={name: self.fields[name].clean(row) for name in M2M if name in row},
                costs=self._wanted_costs(row),
            )
        )

    def final_errors(self, labels, *, dry_run):
        if not dry_run and self._planned:
            self._write(self._planned)
        return []

    def _write(self, planned: list[_Planned]) -> None:
        user, now = self.user, timezone.now()
        new = [p.action for p in planned if p.action.pk is None]
        old = [p.action for p in planned if p.action.pk is not None]
        if new:
            first = reserve_numbers(PacAction, self.cycle, len(new))
            for k, action in enumerate(new):
                action.number, action.cycle = first + k, self.cycle
            PacAction.objects.bulk_create(new, batch_size=BATCH)
        if old:
            for action in old:
                action.version += 1
                action.updated_at = now
            PacAction.objects.bulk_update(old, ACTION_FIELDS, batch_size=BATCH)
        self._write_m2m(planned)
        self._write_links(planned, user)
        self._write_costs(planned, user, now)
        # History: one row an action, with its many-to-many values as written.
        history = PacAction.history.bulk_history_create(new, default_user=user, batch_size=BATCH)
        history += PacAction.history.bulk_history_create(
            old, update=True, default_user=user, batch_size=BATCH
        )
        by_action = {h.id: h for h in history}
        ids = [a.pk for a in new + old]
        for name in M2M:
            through = getattr(PacAction, name).through
            target = _through_target(through)
            rows_model = apps.get_model("actions", f"HistoricalPacAction_{name}")
            rows = through.objects.filter(pacaction_id__in=ids).values_list(
                "id", "pacaction_id", target
            )
            rows_model.objects.bulk_create(
                [
                    rows_model(
                        id=pk, history=by_action[action], pacaction_id=action, **{target: item}
                    )
                    for pk, action, item in rows.iterator()
                ],
                batch_size=BATCH,
            )
        # Writes in bulk send no signal: the PAC annex is asked for once, after the commit, and
        # the cycle's report figures are marked changed.
        from .annex.tasks import request_annex

        cycle = self.cycle.pk
        send_cycles_changed([cycle])  # in this transaction, and again after its commit
        transaction.on_commit(lambda: send_cycles_changed([cycle]))
        transaction.on_commit(lambda: request_annex([cycle]))

    @staticmethod
    def _write_m2m(planned: list[_Planned]) -> None:
        for name in M2M:
            through = getattr(PacAction, name).through
            target = _through_target(through)
            stale, rows = [], []
            for p in planned:
                if name not in p.m2m:
                    continue  # a column left out keeps what is stored
                wanted = list(dict.fromkeys(i.pk for i in p.m2m[name]))
                if p.action.pk in p.stored_m2m:
                    if sorted(wanted) == p.stored_m2m[p.action.pk].get(name):
                        continue
                    stale.append(p.action.pk)
                rows += [through(pacaction_id=p.action.pk, **{target: pk}) for pk in wanted]
            if stale:
                through.objects.filter(pacaction_id__in=stale).delete()
            through.objects.bulk_create(rows, batch_size=BATCH)

    def _write_links(self, planned: list[_Planned], user) -> None:
        """``services.link_ideas`` for every action at once (its rules were checked per row)."""
        add, gone = [], []
        for p in planned:
            wanted = {i.pk for i in p.ideas}
            have = {link.idea_id: link for link in self._links.get(p.action.pk, ())}
            gone += [link for idea, link in have.items() if idea not in wanted]
            for idea in sorted(p.ideas, key=lambda i: i.number):
                if idea.pk not in have:
                    add.append(ActionIdea(action=p.action, idea=idea))
        for link in gone:  # before the new links: an idea is in one action at most
            link._history_user = user
            link.delete()
        bulk_create_with_history(add, ActionIdea, batch_size=BATCH, default_user=user)

    @staticmethod
    def _write_costs(planned: list[_Planned], user, now) -> None:
        add, changed, gone = [], [], []
        for p in planned:
            if p.costs is None:
                continue  # no cost column: the stored costs stay
            stored = {c.year: c for c in p.stored_costs}
            gone += [cost for year, cost in stored.items() if year not in p.costs]
            for year, amount in p.costs.items():
                cost = stored.get(year)
                if cost is None:
                    add.append(ActionCost(action=p.action, year=year, amount=amount))
                elif cost.amount != amount:
                    cost.amount, cost.updated_at = amount, now
                    changed.append(cost)
        for cost in gone:
            cost._history_user = user
            cost.delete()
        bulk_create_with_history(add, ActionCost, batch_size=BATCH, default_user=user)
        bulk_update_with_history(
            changed, ActionCost, ["amount", "updated_at"], batch_size=BATCH, default_user=user
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        super().validate_instance(instance, import_validation_errors, validate_unique)
        message = None
        for name in ("start_date", "end_date"):
            value = getattr(instance, name)
            if value and (message := self.cycle.outside(value)):
                from django.core.exceptions import ValidationError

                raise ValidationError({name: message})


def _cost_label(year):
    from django.utils.functional import lazy

    return lazy(lambda: _("Cost %(year)s (MAD)") % {"year": year}, str)()


# --- Financing lines and indicators: a sheet each, one row a line ---------------------------------


class ActionWidget(widgets.ForeignKeyWidget):
    """The action a line belongs to, by its code in this PAC ("A-03")."""

    def __init__(self, cycle=None):
        super().__init__(PacAction, "number")
        self.cycle = cycle
        self._by_number = None

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("This column is required."))
        if self._by_number is None:
            self._by_number = {a.number: a for a in PacAction.objects.filter(cycle=self.cycle)}
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        code = str(value).strip().upper()
        match = re.fullmatch(r"(?:A\s*-?\s*)?0*(\d+)", code)
        action = self._by_number.get(int(match.group(1))) if match else None
        if action is None:
            raise ValueError(_("No action has the code “%(code)s” in this PAC.") % {"code": code})
        return action

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class SourceWidget(ChoiceWidget):
    """A financing source by its code, its label, or its French or Arabic reference name."""

    def _build_index(self) -> dict[str, object]:
        found = super()._build_index()
        for item in FinancingSource.objects.all():
            if item.code in dict(self.choices):
                for key in (item.code, item.name_fr, item.name_ar):
                    found.setdefault(norm(key), item.code)
        return found


class ActionLineResource(SheetResource):
    """The lines of the actions of one PAC (financing, indicators), one row a line.

    A line has no number of its own: its code is its action's code and its id ("A-03/F17"),
    stable whatever is added or removed around it. An empty code adds a line."""

    LETTER = ""

    action = column(
        "action",
        ActionWidget(),
        label=gettext_lazy("Action"),
        help=gettext_lazy("The code of an action of this PAC (A-03)."),
        required=True,
    )

    def base_queryset(self):
        return self._meta.model.objects.filter(action__cycle=self.cycle)

    def get_queryset(self):
        return self.base_queryset().select_related("action").order_by("action__number", "pk")

    def record_key(self, record):
        return record.pk

    def dehydrate_code(self, line):
        return f"{line.action.code}/{self.LETTER}{line.pk}" if line.pk else ""

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user

    def known_keys(self) -> set:
        return set(self.base_queryset().values_list("pk", flat=True))

    def key_for(self, code: str):
        match = re.fullmatch(rf"(?:A-?\d+\s*/\s*)?{self.LETTER}-?(\d+)", code)
        return int(match.group(1)) if match else None


class FinancingResource(ActionLineResource):
    """Financing plans, a row a line. The action sheet's money rules hold once the whole file
    is read: an action's financing not above its cost, a source with programme years not above
    the costs of those years; a breach is reported on the action's last row in the file."""

    STEP = INTEGRATION_STEP
    LETTER = "F"

    source = column(
        "source",
        SourceWidget(Financing.Source.choices),
        help=gettext_lazy("A source, by its code or its French or Arabic name."),
        required=True,
    )
    detail = optional_text("detail")
    detail_ar = optional_text("detail_ar")
    amount = column(
        "amount", DecimalWidget(required=True), help=gettext_lazy("In MAD."), required=True
    )
    status = column(
        "status",
        ChoiceWidget(Financing.Status.choices, required=False, default=Financing.Status.PLANNED),
        help=gettext_lazy("planned, committed or received; empty: planned."),
    )

    class Meta(CycleResource.Meta):
        model = Financing

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # What the money rules read, once: each line (action, source, amount) and each cost.
        self._lines = {pk: (f.action_id, f.source, f.amount) for pk, f in self._existing.items()}
        self._costs = defaultdict(dict)
        costs = ActionCost.objects.filter(action__cycle=self.cycle)
        for action, year, amount in costs.values_list("action", "year", "amount"):
            self._costs[action][year] = amount
        self._touched: dict[int, int] = {}  # action id -> its last row in the file

    def save_instance(self, instance, is_create, row, **kwargs):
        key = instance.pk or ("row", kwargs.get("row_number"))
        old = self._lines.get(key)
        if old is not None:
            self._touched.setdefault(old[0], 0)
        self._lines[key] = (instance.action_id, instance.source, instance.amount)
        self._touched[instance.action_id] = (kwargs.get("row_number") or 0) + 1
        super().save_instance(instance, is_create, row, **kwargs)

    def final_errors(self, labels, *, dry_run):
        by_action = defaultdict(lambda: defaultdict(Decimal))
        for action, source, amount in self._lines.values():
            if action in self._touched:
                by_action[action][source] += amount
        sources = FinancingSource.objects.exclude(first_year__isnull=True, last_year__isnull=True)
        limited = {s.code: s for s in sources}
        last_row = max(self._touched.values(), default=0)
        errors = []
        for action, row in sorted(self._touched.items(), key=lambda item: item[1]):
            costs = self._costs.get(action, {})
            by_source = by_action.get(action, {})
            cost, money = sum(costs.values(), Decimal(0)), sum(by_source.values(), Decimal(0))
            messages = []
            if money > cost:
                messages.append(services.excess_message(money, cost))
            for code, planned in sorted(by_source.items()) if not messages else ():
                source = limited.get(code)
                if source is None:
                    continue
                ceiling = sum(
                    (amount for year, amount in costs.items() if source.covers(year)), Decimal(0)
                )
                if planned > ceiling:
                    messages.append(services.overrun_message(source, ceiling, planned))
            for message in messages:
                errors.append(RowError(row or last_row, labels["amount"], message))
        if not errors and not dry_run:
            # The same rules as read back from the database, for each action written.
            for action in PacAction.objects.filter(pk__in=list(self._touched)):
                try:
                    services.check_money(action)
                except ServiceError as error:
                    row = self._touched[action.pk] or last_row
                    errors += [RowError(row, labels["amount"], m) for m in error.messages]
        return errors


class IndicatorResource(ActionLineResource):
    """Indicators of the actions, a row an indicator (its rules are the model's own)."""

    STEP = INTEGRATION_STEP
    LETTER = "IND"

    name = required_text("name", help=TITLE_HELP)
    name_ar = optional_text("name_ar")
    unit = column(
        "unit",
        TextWidget(),
        help=gettext_lazy(
            "The unit (persons, km, percent…); a percentage is at most 100. Optional."
        ),
    )
    unit_ar = optional_text("unit_ar")
    baseline = column("baseline", DecimalWidget(), help=gettext_lazy("A number. Optional."))
    target = column(
        "target", DecimalWidget(required=True), help=gettext_lazy("A number."), required=True
    )
    by_sex = _yes_no("by_sex")
    by_migrant_status = _yes_no("by_migrant_status")
    source = optional_text("source")
    source_ar = optional_text("source_ar")
    frequency = column(
        "frequency",
        ChoiceWidget(
            Indicator.Frequency.choices, required=False, default=Indicator.Frequency.YEARLY
        ),
        help=gettext_lazy("quarterly, half_yearly, yearly or end; empty: yearly."),
    )

    class Meta(CycleResource.Meta):
        model = Indicator


def register_sheets() -> None:
    for kind, resource, title in (
        ("actions", ActionResource, gettext_lazy("PAC actions")),
        ("financing", FinancingResource, gettext_lazy("Financing lines")),
        ("indicators", IndicatorResource, gettext_lazy("Indicators")),
    ):
        register(kind, resource, title=title, list_url="actions:pac")

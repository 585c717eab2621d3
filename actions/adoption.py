"""After step 5: the PAC's deliberations, the governor's visa and the frozen annex.

Write services (keyword-only, atomic; refusals are ``ServiceError``s shown next to the fields)
and the background freezing of the annex.

Freezing: recording a deliberation creates its ``AnnexFreeze`` row (who, when: in its history)
and queues one job (``annex-freeze:<id>``). The job renders the annex of the cycle as it is,
in French and in Arabic, marked as the version the deliberation adopted (no draft mark), and
saves each PDF once through ``default_storage`` under a name of its own; its SHA-256 is kept
on the row. A language whose file is recorded is never rendered again, and a name that exists
already is never written over (``FrozenFileExists``): the file the council signed stays as it
was, whatever the later edits or a second run of the job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import jobs
from communes.errors import ServiceError
from communes.models import Job, PlanningCycle, User

from .annex import LANGUAGES
from .models import ActionChange, AnnexFreeze, GovernorVisa, PacAction, PacDeliberation

FREEZE_KIND = "annex-freeze"
FROZEN_DIR = "annex-frozen"


class FrozenFileExists(RuntimeError):
    """A frozen annex's name is taken: the stored file is never written over."""


def freeze_key(freeze_id: int) -> str:
    return f"annex-freeze:{freeze_id}"


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def deliberation_record(
    *,
    deliberation: PacDeliberation,
    by: User | None,
    added: Iterable[PacAction] = (),
    changed: Iterable[PacAction] = (),
    dropped: Iterable[PacAction] = (),
) -> PacDeliberation:
    """Record a deliberation, what it did to each action, and freeze the annex it adopted.

    An adoption adopts every action the PAC holds; an update says which it adds, changes or
    drops (an action appears once)."""
    deliberation.full_clean()
    cycle = deliberation.cycle
    added, changed, dropped = list(added), list(changed), list(dropped)
    ids = [a.pk for a in added + changed + dropped]
    if len(ids) != len(set(ids)):
        raise ServiceError(
            {"added": _("An action is added, changed or dropped, not two of these.")}
        )
    if any(a.cycle_id != cycle.pk for a in added + changed + dropped):
        raise ServiceError(_("These actions are not in this PAC."))
    if deliberation.kind == PacDeliberation.Kind.UPDATE and not ids:
        raise ServiceError({"added": _("Say which actions the update adds, changes or drops.")})
    deliberation.save()
    if deliberation.kind == PacDeliberation.Kind.ADOPTION:
        rows = [(a, ActionChange.Change.ADOPTED) for a in cycle.pac_actions.all()]
    else:
        rows = (
            [(a, ActionChange.Change.ADDED) for a in added]
            + [(a, ActionChange.Change.CHANGED) for a in changed]
            + [(a, ActionChange.Change.DROPPED) for a in dropped]
        )
    ActionChange.objects.bulk_create(
        [ActionChange(action=a, deliberation=deliberation, change=c) for a, c in rows]
    )
    freeze = AnnexFreeze.objects.create(deliberation=deliberation, frozen_by=by)
    freeze_request(freeze)
    return deliberation


@transaction.atomic
def visa_record(*, visa: GovernorVisa, by: User | None) -> GovernorVisa:
    """The governor's visa, recorded once (no correction screen yet; its history keeps who)."""
    if visa.pk is None and GovernorVisa.objects.filter(deliberation=visa.deliberation).exists():
        raise ServiceError(_("The visa of this deliberation is already recorded."))
    visa.full_clean()
    visa.recorded_by = by
    visa.save()
    return visa


def freeze_request(freeze: AnnexFreeze) -> None:
    """Queue the freezing job after the commit (a rolled-back recording queues nothing)."""

    def queue():
        jobs.request(
            freeze_key(freeze.pk),
            kind=FREEZE_KIND,
            params={"freeze": freeze.pk},
            label=f"Frozen PAC annex {freeze.deliberation.number}",
            priority=5,
        )

    transaction.on_commit(queue)


# --- The freezing job ------------------------------------------------------------------------


def legal_data(deliberation: PacDeliberation | None, cycle: PlanningCycle) -> dict:
    """What the annex says of its legal standing: a draft (for an adoption or an update), or
    the version a deliberation adopted."""
    if deliberation is None:
        adopted = PacDeliberation.objects.filter(
            cycle=cycle, kind=PacDeliberation.Kind.ADOPTION
        ).exists()
        kind = PacDeliberation.Kind.UPDATE if adopted else PacDeliberation.Kind.ADOPTION
        return {"frozen": False, "kind": str(kind), "deliberation": None}
    return {
        "frozen": True,
        "kind": deliberation.kind,
        "deliberation": {
            "number": deliberation.number,
            "date": deliberation.date,
            "session": deliberation.session,
            "members": deliberation.members,
            "present": deliberation.present,
            "votes_for": deliberation.votes_for,
            "votes_against": deliberation.votes_against,
            "abstentions": deliberation.abstentions,
            "president": deliberation.president,
            "secretary": deliberation.secretary,
            "opinion_verdict": deliberation.opinion_verdict,
            "opinion_date": deliberation.opinion_date,
        },
    }


@jobs.handler(FREEZE_KIND)
def build_frozen(job: Job) -> dict:
    from .annex.data import gather_annex
    from .annex.render import render_annex

    freeze = (
        AnnexFreeze.objects.select_related("deliberation__cycle__commune__province__region")
        .filter(pk=job.params["freeze"])
        .first()
    )
    if freeze is None:
        return {"skipped": "no such freeze"}
    if freeze.state == AnnexFreeze.State.FROZEN:
        return {"skipped": "already frozen"}  # never rebuilt
    deliberation = freeze.deliberation
    cycle = deliberation.cycle
    data = gather_annex(cycle)
    data.legal = legal_data(deliberation, cycle)
    done = {}
    for language in LANGUAGES:
        name, digest = freeze.file(language)
        if name:
            done[language] = name
            continue
        pdf = render_annex(data, language)
        name = (
            f"{FROZEN_DIR}/annexe-pac-{cycle.commune.code}-{cycle.period}-"
            f"{deliberation.kind}-{deliberation.uuid}-{language}.pdf"
        )
        if default_storage.exists(name):
            raise FrozenFileExists(name)
        stored = default_storage.save(name, ContentFile(pdf))
        if stored != name:  # the storage found the name taken meanwhile: leave both alone
            raise FrozenFileExists(name)
        setattr(freeze, f"{language}_name", stored)
        setattr(freeze, f"{language}_sha256", hashlib.sha256(pdf).hexdigest())
        freeze.save(update_fields=[f"{language}_name", f"{language}_sha256", "updated_at"])
        done[language] = stored
    freeze.state = AnnexFreeze.State.FROZEN
    freeze.frozen_at = timezone.now()
    freeze.save(update_fields=["state", "frozen_at", "updated_at"])
    return {"files": done}


def freeze_states(freezes: Iterable[AnnexFreeze]) -> None:
    """A freeze whose job failed for good says so (the page offers nothing to download)."""
    pending = {freeze_key(f.pk): f for f in freezes if f.state != AnnexFreeze.State.FROZEN}
    if not pending:
        return
    jobs.recover_stale(pending)
    for job in Job.objects.filter(key__in=pending, state=Job.State.FAILED):
        freeze = pending[job.key]
        freeze.state = AnnexFreeze.State.FAILED  # shown as such on this visit
        jobs.request(job.key, kind=FREEZE_KIND, params={"freeze": freeze.pk}, label=job.label)

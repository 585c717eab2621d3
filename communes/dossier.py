"""The commune dossier: a JSON document of everything the commune recorded.

Version 1 shape (see the README): ``format``, ``version``, ``exported_at``,
``commune`` (with ``province`` and ``region``), and ``cycles``, each with its
``steps``; each step carries its ``status`` and the ``records`` its app exports.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import override

from .models import Commune, PlanningCycle
from .steps import all_steps

DOSSIER_FORMAT = "prim-dossier"
DOSSIER_VERSION = 1


def _names(obj) -> dict:
    return {"code": obj.code, "name_fr": obj.name_fr, "name_ar": obj.name_ar}


def _when(value):
    return value.isoformat() if value else None


def build_dossier(commune: Commune) -> dict:
    province = commune.province
    region = province.region
    cycles = PlanningCycle.objects.filter(commune=commune).order_by("start_year")
    cycles = cycles.prefetch_related("steps__changed_by", "step_events__by")
    with override("en"):
        titles = {s.number: str(s.title) for s in all_steps()}
    return {
        "format": DOSSIER_FORMAT,
        "version": DOSSIER_VERSION,
        "exported_at": timezone.now().isoformat(),
        "commune": {
            **_names(commune),
            "kind": commune.kind,
            "population": commune.population,
            "population_year": commune.population_year,
            "province": {**_names(province), "kind": province.kind},
            "region": _names(region),
        },
        "cycles": [
            {
                "uuid": str(cycle.uuid),
                "start_year": cycle.start_year,
                "end_year": cycle.end_year,
                "steps": [
                    _step(
                        cycle,
                        definition,
                        titles,
                        {s.step: s for s in cycle.steps.all()},
                        sorted(cycle.step_events.all(), key=lambda e: (e.at, e.pk)),
                    )
                    for definition in all_steps()
                ],
            }
            for cycle in cycles
        ],
    }


def _step(cycle, definition, titles, statuses, events) -> dict:
    status = statuses.get(definition.number)
    return {
        "number": definition.number,
        "title": titles[definition.number],
        "status": status.status if status else "not_started",
        "changed_by": status.changed_by.username if status and status.changed_by else None,
        "changed_at": _when(status.changed_at) if status else None,
        "comment": status.comment if status else "",
        "review": [
            {
                "action": e.action,
                "from": e.from_status or None,
                "to": e.to_status,
                "by": e.by.username if e.by else None,
                "at": _when(e.at),
                "comment": e.comment,
                "with_step": e.with_step,
            }
            for e in events
            if e.step == definition.number
        ],
        "records": definition.export(cycle) if definition.export else {},
    }

"""The commune dossier: a JSON document of everything the commune recorded.

Version 2 shape (see the README): ``format``, ``version``, ``exported_at``,
``commune`` (with ``province`` and ``region``), and ``cycles``, each with its
``steps``; each step carries its ``status`` and the ``records`` its app exports - for
readers. Then ``tables``: every row, for ``import_dossier`` (below), which reads back what
``export_dossier`` writes (a backup, a move to another instance).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import override

from .models import Commune, PlanningCycle
from .steps import all_steps

DOSSIER_FORMAT = "prim-dossier"
DOSSIER_VERSION = 2  # 2: tables and files, for import_dossier


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


# --- Tables: every row of the commune's periods, enough to restore it ---------------------------
#
# The sections above are for readers; ``tables`` is for ``import_dossier``. Every model of any
# installed app whose foreign keys lead to a PlanningCycle is exported, row by row, in an order
# where a row comes after the rows it points at. Rows are named by their model and their rank in
# it ("diagnostics.finding#3"), never by a database id, so that the same data exports the same
# way from any instance. References outside the commune's records go by their stable names: a
# reference list's ``code``, a user's ``username``. Stored files go by their SHA-256: the archive
# (``export_dossier --output X.zip``) carries them under ``files/<sha256>``.

import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from functools import cache  # noqa: E402

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import models, transaction  # noqa: E402

ARCHIVE_JSON = "dossier.json"
FILES_DIR = "files/"


class DossierRefused(Exception):
    """A dossier this instance will not import, with the reason in plain words."""


@cache
def path_to_cycle(model, seen=()) -> tuple[str, ...] | None:
    """The foreign keys leading from ``model`` to its PAC cycle, e.g. ``("action", "cycle")``;
    None for a model outside any cycle. Also how the annex notices which cycle a change is in."""
    if model is PlanningCycle:
        return ()
    fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for fk in fks:
        if fk.related_model is PlanningCycle:
            return (fk.name,)
    for fk in fks:
        related = fk.related_model
        if related is not model and related not in seen:
            path = path_to_cycle(related, (*seen, model))
            if path:
                return (fk.name, *path)
    return None


@cache
def dossier_models() -> tuple:
    """The models of a commune's records, each after the models it points at."""
    found = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.model_name.startswith("historical") or meta.auto_created or meta.proxy:
            continue
        if getattr(model, "derived", False):  # computed from the records, built again when read
            continue
        path = path_to_cycle(model)
        if path is not None:
            found[model] = path
    ordered, pending = [], list(found)
    while pending:
        for model in pending:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in found and f.related_model is not model
            }
            if needs <= set(ordered):
                ordered.append(model)
                pending.remove(model)
                break
        else:
            raise RuntimeError(f"Circular references between {pending}")
    return tuple((model, found[model]) for model in ordered)


def _label(model) -> str:
    return model._meta.label_lower


def _plain_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not (f.is_relation and f.related_model is not None)
    ]


def _m2m_fields(model):
    return [
        f
        for f in model._meta.many_to_many
        if f.remote_field.through._meta.auto_created  # explicit through rows are exported
    ]


def _plain_value(f, value):
    if value is None:
        return None
    if isinstance(f, models.FileField):
        return value.name or ""
    if isinstance(f, models.JSONField):
        return value
    if isinstance(f, (models.DateTimeField, models.DateField, models.TimeField)):
        return value.isoformat()
    if isinstance(f, (models.DecimalField, models.UUIDField)):
        return str(value)
    return value


def _outside_ref(obj) -> str:
    """A row outside the commune's records, by its stable name."""
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    return obj.code


@dataclass
class _Tables:
    ranks: dict = field(default_factory=dict)  # (model, pk) -> "label#n"
    files: dict = field(default_factory=dict)  # sha256 -> storage name


def _file_entry(stored, tables: _Tables) -> dict | None:
    if not stored:
        return None
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(stored.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
            size += len(chunk)
    sha = digest.hexdigest()
    tables.files[sha] = stored.name
    return {"name": stored.name, "sha256": sha, "size": size}


def build_tables(commune: Commune) -> tuple[list, dict]:
    """``(tables, files)``: the rows of every record of the commune, and the stored files they
    name (sha256 -> storage name)."""
    tables = _Tables()
    out = []
    for model, path in dossier_models():
        lookup = "__".join((*path, "commune")) if path else "commune"
        rows = list(model._base_manager.filter(**{lookup: commune}).order_by("pk"))
        m2m = _m2m_fields(model)
        if m2m:
            model_rows = model._base_manager.filter(pk__in=[r.pk for r in rows])
            rows = list(model_rows.prefetch_related(*(f.name for f in m2m)).order_by("pk"))
        label = _label(model)
        exported = []
        for rank, row in enumerate(rows, start=1):
            tables.ranks[(model, row.pk)] = f"{label}#{rank}"
            data = {}
            for f in model._meta.concrete_fields:
                if f.primary_key:
                    continue
                value = getattr(row, f.attname)
                if f.is_relation:
                    if f.related_model is Commune:
                        continue  # the dossier's commune
                    if value is None:
                        data[f.name] = None
                    elif (f.related_model, value) in tables.ranks:
                        data[f.name] = tables.ranks[(f.related_model, value)]
                    else:
                        data[f.name] = _outside_ref(getattr(row, f.name))
                elif isinstance(f, models.FileField):
                    data[f.name] = _file_entry(getattr(row, f.name), tables)
                else:
                    data[f.name] = _plain_value(f, value)
            for f in m2m:
                targets = getattr(row, f.name).all()
                refs = [
                    tables.ranks.get((f.related_model, t.pk)) or _outside_ref(t) for t in targets
                ]
                data[f.name] = sorted(refs)
            exported.append(data)
        out.append([label, exported])
    return out, tables.files


def full_dossier(commune: Commune) -> tuple[dict, dict]:
    """The dossier with its tables, and the files it names (sha256 -> storage name)."""
    dossier = build_dossier(commune)
    dossier["tables"], files = build_tables(commune)
    return dossier, files


def write_archive(commune: Commune, target) -> dict:
    """A zip of ``dossier.json`` and ``files/<sha256>``; returns the dossier."""
    dossier, files = full_dossier(commune)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_JSON, json.dumps(dossier, ensure_ascii=False, indent=1))
        for sha, name in sorted(files.items()):
            with default_storage.open(name, "rb") as handle:
                archive.writestr(FILES_DIR + sha, handle.read())
    return dossier


# --- Import ----------------------------------------------------------------------------------


def read_archive(source) -> tuple[dict, dict]:
    """``(dossier, files)`` from a zip written by ``write_archive`` or a bare JSON dossier
    (``files``: sha256 -> bytes, each checked against its name)."""
    raw = source.read() if hasattr(source, "read") else open(source, "rb").read()  # noqa: SIM115
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        try:
            return json.loads(raw), {}
        except ValueError as error:
            message = "This file is neither a dossier archive nor a JSON dossier."
            raise DossierRefused(message) from error
    files = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        try:
            dossier = json.loads(archive.read(ARCHIVE_JSON))
        except KeyError as error:
            raise DossierRefused(f"The archive has no {ARCHIVE_JSON}.") from error
        for member in archive.namelist():
            if member.startswith(FILES_DIR) and member != FILES_DIR:
                files[member[len(FILES_DIR) :]] = archive.read(member)
    for sha, content in files.items():
        if hashlib.sha256(content).hexdigest() != sha:
            raise DossierRefused(
                f"The file {FILES_DIR}{sha} does not match its SHA-256: the archive is damaged "
                "or was changed. Nothing was imported."
            )
    return dossier, files


def _check_header(dossier: dict) -> None:
    if not isinstance(dossier, dict) or dossier.get("format") != DOSSIER_FORMAT:
        raise DossierRefused("This is not a PRIM commune dossier.")
    version = dossier.get("version")
    if not isinstance(version, int) or version > DOSSIER_VERSION:
        raise DossierRefused(
            f"This dossier is in format version {version}, newer than this instance reads "
            f"({DOSSIER_VERSION}): update the application first. Nothing was imported."
        )
    if "tables" not in dossier:
        raise DossierRefused(
            f"This dossier (version {version}) carries no tables to restore: export it again "
            "with this version of the application."
        )


def _territory(data: dict) -> Commune:
    """The dossier's commune here, created with its province and region when missing."""
    from .models import Province, Region

    found = Commune.objects.filter(code=data["code"]).first()
    if found:
        return found
    p, r = data["province"], data["region"]
    region, _ = Region.objects.get_or_create(
        code=r["code"], defaults={"name_fr": r["name_fr"], "name_ar": r["name_ar"]}
    )
    province, _ = Province.objects.get_or_create(
        code=p["code"],
        defaults={
            "name_fr": p["name_fr"],
            "name_ar": p["name_ar"],
            "kind": p["kind"],
            "region": region,
        },
    )
    return Commune.objects.create(
        code=data["code"],
        name_fr=data["name_fr"],
        name_ar=data["name_ar"],
        kind=data["kind"],
        population=data["population"],
        population_year=data["population_year"],
        province=province,
    )


def _stored_names(commune: Commune) -> set[str]:
    names = set()
    for model, path in dossier_models():
        files = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if files:
            lookup = "__".join((*path, "commune")) if path else "commune"
            for row in model._base_manager.filter(**{lookup: commune}).values_list(*files):
                names |= {name for name in row if name}
    return names


@dataclass
class ImportResult:
    commune: Commune
    rows: int
    files: int
    replaced: bool


def import_dossier(dossier: dict, files: dict, *, replace: bool = False) -> ImportResult:
    """Restore a commune from its dossier: all or nothing (one transaction; the files saved for
    it are removed again if the import fails)."""
    _check_header(dossier)
    models_by_label = {_label(model): model for model, _ in dossier_models()}
    unknown = [label for label, _ in dossier["tables"] if label not in models_by_label]
    if unknown:
        raise DossierRefused(f"This instance has no records of kind {', '.join(unknown)}.")
    needed = {
        value["sha256"]
        for _, rows in dossier["tables"]
        for row in rows
        for value in row.values()
        if isinstance(value, dict) and "sha256" in value
    }
    missing = needed - set(files)
    if missing:
        raise DossierRefused(
            f"{len(missing)} attached file(s) are not in the archive (e.g. {sorted(missing)[0]}): "
            "import the .zip written by export_dossier --output. Nothing was imported."
        )
    saved: list[str] = []
    try:
        with transaction.atomic():
            result = _import(dossier, files, models_by_label, replace, saved)
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return result


def _import(dossier, files, models_by_label, replace, saved) -> ImportResult:
    code = dossier["commune"]["code"]
    existing = Commune.objects.filter(code=code).first()
    replaced = False
    old_names: set[str] = set()
    if existing and PlanningCycle.objects.filter(commune=existing).exists():
        if not replace:
            count = PlanningCycle.objects.filter(commune=existing).count()
            raise DossierRefused(
                f"The commune {code!r} already has data here ({count} PAC period(s)). To replace "
                "it with the dossier's, import again with --replace. Nothing was imported."
            )
        old_names = _stored_names(existing)
        # Every record, those pointed at last (some keys protect what they point at).
        for model, path in reversed(dossier_models()):
            lookup = "__".join((*path, "commune")) if path else "commune"
            model._base_manager.filter(**{lookup: existing}).delete()
        replaced = True
    commune = _territory(dossier["commune"])
    User = get_user_model()
    rows_by_ref: dict[str, models.Model] = {}
    content_by_name: dict[str, str] = {}
    count = 0

    def outside(model, ref):
        if model is User:
            user = User.objects.filter(username=ref).first()
            if user is None:
                # The author of a record, kept by name: an inactive account without password.
                user = User(username=ref, is_active=False)
                user.set_unusable_password()
                user.save()
            return user
        found = model._base_manager.filter(code=ref).first()
        if found is None:
            raise DossierRefused(
                f"{model._meta.verbose_name} {ref!r} is not in this instance's reference lists. "
                "Nothing was imported."
            )
        return found

    def resolve(model, ref):
        if ref is None:
            return None
        if isinstance(ref, str) and "#" in ref and ref.split("#", 1)[0] in models_by_label:
            return rows_by_ref[ref]
        return outside(model, ref)

    def store(entry) -> str:
        if not entry:
            return ""
        name, sha = entry["name"], entry["sha256"]
        if name in content_by_name:
            return content_by_name[name]
        if default_storage.exists(name) and name not in old_names:
            with default_storage.open(name, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() == sha:
                    content_by_name[name] = name
                    return name  # the same file is there already (a restore after a loss)
        if name in old_names and default_storage.exists(name):
            default_storage.delete(name)  # the replaced commune's own file: written anew
            old_names.discard(name)
        new = default_storage.save(name, ContentFile(files[sha]))
        saved.append(new)
        content_by_name[name] = new
        return new

    for label, rows in dossier["tables"]:
        model = models_by_label[label]
        plain = {f.name: f for f in _plain_fields(model)}
        fks = {
            f.name: f
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        m2m = {f.name: f for f in _m2m_fields(model)}
        for rank, data in enumerate(rows, start=1):
            obj = model()
            for name, f in fks.items():
                if f.related_model is Commune:
                    setattr(obj, name, commune)
                else:
                    setattr(obj, name, resolve(f.related_model, data.get(name)))
            for name, f in plain.items():
                if name not in data:
                    continue
                value = data[name]
                if isinstance(f, models.FileField):
                    value = store(value)
                elif value is not None and not isinstance(f, models.JSONField):
                    value = f.to_python(value)
                setattr(obj, name, value)
            # Raw, as loaddata does: the dossier's own times (created_at, updated_at) are kept,
            # and no history entry or annex request is made per row.
            obj.save_base(raw=True)
            for name, f in m2m.items():
                targets = [resolve(f.related_model, ref) for ref in data.get(name, [])]
                getattr(obj, name).set(targets)
            rows_by_ref[f"{label}#{rank}"] = obj
            count += 1
    # The replaced commune's files that the dossier no longer names go once this commits.
    leftovers = [name for name in old_names if name not in content_by_name]
    transaction.on_commit(lambda: [default_storage.delete(name) for name in leftovers])
    return ImportResult(commune, count, len(saved), replaced)

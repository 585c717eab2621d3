"""What a user may see and change, computed once per request from their memberships."""

from __future__ import annotations

from dataclasses import dataclass, field

_CACHE_ATTR = "_prim_scope"


@dataclass(frozen=True)
class Scope:
    national: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)  # coordinated regions
    editor_commune_ids: frozenset[int] = field(default_factory=frozenset)
    viewer_commune_ids: frozenset[int] = field(default_factory=frozenset)
    province_ids: frozenset[int] = field(default_factory=frozenset)  # read, province readers

    @property
    def commune_ids(self) -> frozenset[int]:
        return self.editor_commune_ids | self.viewer_commune_ids


EMPTY = Scope()


def user_scope(user) -> Scope:
    """One query per request; the result is kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import Role

    national = False
    regions: set[int] = set()
    editor: set[int] = set()
    viewer: set[int] = set()
    provinces: set[int] = set()
    for role, commune_id, region_id, province_id in user.memberships.values_list(
        "role", "commune_id", "region_id", "province_id"
    ):
        if role == Role.NATIONAL:
            national = True
        elif role == Role.COORDINATOR:
            regions.add(region_id)
        elif role == Role.EDITOR:
            editor.add(commune_id)
        elif role == Role.VIEWER:
            viewer.add(commune_id)
        elif role == Role.PROVINCE_READER:
            provinces.add(province_id)
    scope = Scope(
        national=national,
        region_ids=frozenset(regions),
        editor_commune_ids=frozenset(editor),
        viewer_commune_ids=frozenset(viewer - editor),
        province_ids=frozenset(provinces),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope

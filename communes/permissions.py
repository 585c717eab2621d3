"""Small named predicates, used by views and templates alike."""

from __future__ import annotations

from .scope import user_scope


def is_national_admin(user) -> bool:
    return user_scope(user).national


def can_edit_commune(user, commune) -> bool:
    """Only the commune's own editors write its records."""
    return commune.pk in user_scope(user).editor_commune_ids


def can_review_commune(user, commune) -> bool:
    """Coordinators of the commune's region (and national admins) validate or return steps."""
    scope = user_scope(user)
    return scope.national or commune.province.region_id in scope.region_ids


def can_edit_step(user, cycle, step_status) -> bool:
    """Editors write a step's records unless it is submitted or validated."""
    return can_edit_commune(user, cycle.commune) and not step_status.is_locked_for_commune

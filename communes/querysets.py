"""Scoped querysets: the one door through which views reach territorial objects."""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch, Q

from .scope import user_scope


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> RegionQuerySet:
        """Regions whose dashboard the user may open: national admins all, coordinators theirs."""
        scope = user_scope(user)
        if scope.national:
            return self.all()
        return self.filter(pk__in=scope.region_ids)


class ProvinceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProvinceQuerySet:
        """Provinces whose report the user may open: national admins all, coordinators their
        regions', province readers theirs."""
        scope = user_scope(user)
        if scope.national:
            return self.all()
        return self.filter(Q(pk__in=scope.province_ids) | Q(region_id__in=scope.region_ids))


class CommuneQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommuneQuerySet:
        """Communes the user may read: their own, their province's or region's, or all for
        national admins."""
        scope = user_scope(user)
        if scope.national:
            return self.all()
        return self.filter(
            Q(pk__in=scope.commune_ids)
            | Q(province_id__in=scope.province_ids)
            | Q(province__region_id__in=scope.region_ids)
        )

    def with_territory(self) -> CommuneQuerySet:
        return self.select_related("province__region")

    def with_current_cycle(self) -> CommuneQuerySet:
        """Prefetch each commune's cycles (newest first) with their step statuses.

        Two queries whatever the number of communes; ``communes.tracker`` reads
        ``commune.prefetched_cycles[0]`` as the current cycle.
        """
        from .models import PlanningCycle

        return self.prefetch_related(
            Prefetch(
                "cycles",
                queryset=PlanningCycle.objects.order_by("-start_year").prefetch_related("steps"),
                to_attr="prefetched_cycles",
            )
        )


class PlanningCycleQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanningCycleQuerySet:
        from .models import Commune

        return self.filter(commune__in=Commune.objects.visible_to(user))


class StepStatusQuerySet(models.QuerySet):
    def awaiting_review_by(self, user) -> StepStatusQuerySet:
        """Submitted steps the user reviews: their regions' for coordinators, all for national
        administrators, none for anyone else. Oldest submission first."""
        from .models import StepStatus

        scope = user_scope(user)
        if scope.national:
            steps = self.all()
        elif scope.region_ids:
            steps = self.filter(cycle__commune__province__region_id__in=scope.region_ids)
        else:
            return self.none()
        return steps.filter(status=StepStatus.Status.SUBMITTED).order_by("changed_at", "pk")

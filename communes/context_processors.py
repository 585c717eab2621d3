from django.utils.functional import SimpleLazyObject

from .scope import user_scope


def access(request):
    """The user's scope, for navigation by role (no query for anonymous users), and the number
    of steps waiting for their review: one count, run only when a page shows it (reviewers' nav)."""
    from .models import StepStatus

    user = getattr(request, "user", None)
    scope = user_scope(user)
    return {
        "prim_scope": scope,
        "prim_review_count": SimpleLazyObject(
            lambda: StepStatus.objects.awaiting_review_by(user).count()
        ),
    }

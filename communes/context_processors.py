from .scope import user_scope


def access(request):
    """The user's scope, for navigation by role (no query for anonymous users)."""
    user = getattr(request, "user", None)
    return {"prim_scope": user_scope(user)}

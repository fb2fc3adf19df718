from federation.core.scoping import membership_of


def membership(request) -> dict:
    """Return the signed-in user's membership for the page shell (role and unit in the header)."""
    return {"membership": membership_of(getattr(request, "user", None))}

"""What each role may do with the registers (granted to the roles through ``federation.core.roles.grant``)."""

from federation.core.roles import Role, crud, grant, view

REGISTER_MODELS = [
    "registry.household",
    "registry.householdincome",
    "registry.person",
    "registry.leftbehindchild",
    "registry.hardshipchild",
    "registry.leftbehindwoman",
    "registry.poorwoman",
    "registry.villagedirector",
    "registry.womenshome",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_DIRECTOR: crud(*REGISTER_MODELS),
    Role.TOWNSHIP_STAFF: crud(*REGISTER_MODELS),
    Role.TOWNSHIP_CHAIR: crud(*REGISTER_MODELS),
    Role.COUNTY_VIEWER: view(*REGISTER_MODELS),
}

grant("registry", ROLE_PERMISSIONS)

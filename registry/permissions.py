"""What each role may do with households (granted through ``federation.core.roles.grant``).

Each register grants its own permissions with its declaration (``registry/registers/``).
"""

from federation.core.roles import Role, crud, grant, view

HOUSEHOLD_MODELS = ["registry.household", "registry.householdincome"]

grant(
    "registry",
    {
        Role.VILLAGE_DIRECTOR: crud(*HOUSEHOLD_MODELS),
        Role.TOWNSHIP_STAFF: crud(*HOUSEHOLD_MODELS),
        Role.TOWNSHIP_CHAIR: crud(*HOUSEHOLD_MODELS),
        Role.COUNTY_VIEWER: view(*HOUSEHOLD_MODELS),
    },
)

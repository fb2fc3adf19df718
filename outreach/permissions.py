"""What each role may do in outreach (granted to the roles through ``federation.core.roles.grant``).

Each register grants its own (``outreach/registers/``); these are the rest. Which rows a user
sees is the scope's business; two permissions narrow it further:
``view_health_data`` (a person's two-cancer screening) and ``view_domestic_violence`` (such
petitions). The county viewer holds neither: she reads the screening statistics and the other
petitions, never a person's result or a domestic-violence case.
"""

from federation.core.roles import Role, grant

SENSITIVE = ["outreach.view_health_data", "outreach.view_domestic_violence"]

_TOWNSHIP = [
    *SENSITIVE,
    "outreach.view_registerreport",
    "outreach.add_registerreport",
    "outreach.view_registerdeadline",
    "outreach.view_outreachsettings",
    "outreach.view_overview",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_DIRECTOR: [
        *SENSITIVE,
        "outreach.view_registerreport",
        "outreach.add_registerreport",
    ],
    Role.TOWNSHIP_STAFF: list(_TOWNSHIP),
    Role.TOWNSHIP_CHAIR: list(_TOWNSHIP),
    Role.COUNTY_VIEWER: [
        "outreach.view_registerreport",
        "outreach.view_overview",
    ],
}

grant("outreach", ROLE_PERMISSIONS)

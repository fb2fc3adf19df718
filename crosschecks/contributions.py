"""What the cross-checks contribute: the roles' permissions and the menu entry (imported once, by
``crosschecks.apps``).

The township staff and chair upload lists and act on every difference of their township; a village
director reads her village's differences and acts on them (核实无误, or entering the register), as
she does with 待核实 (``registry.views.recheck``: she says an entry of her village is still valid);
the county viewer reads, with ID numbers masked.
"""

from django.utils.translation import gettext_lazy as _

from federation.core.roles import Role, grant, view
from federation.web.pages import MenuEntry, add_menu_entry

READ = view("crosschecks.departmentlist", "crosschecks.difference")
ACT = "crosschecks.change_difference"
UPLOAD = ["crosschecks.add_departmentlist", "crosschecks.delete_departmentlist"]

grant(
    "crosschecks",
    {
        Role.VILLAGE_DIRECTOR: [*READ, ACT],
        Role.TOWNSHIP_STAFF: [*READ, ACT, *UPLOAD],
        Role.TOWNSHIP_CHAIR: [*READ, ACT, *UPLOAD],
        Role.COUNTY_VIEWER: READ,
    },
)

add_menu_entry(
    MenuEntry(
        "registers",
        _("比对核实"),
        "crosschecks:departmentlist_list",
        85,
        section=2,
        permissions=("crosschecks.view_departmentlist",),
    )
)

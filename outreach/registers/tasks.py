"""上级交办任务 (seed, 2014 plan item 12: 完成上级交办的其他各项任务): tasks the county sets for its
townships and a township for its villages, each unit's hand-in, the grid unit × task.

The register's list is the grid (``outreach.views.tasks.TaskGridView``), exported to Excel and PDF;
its to-dos and reminders are ``outreach.task_todos``.
"""

from django.utils.translation import gettext_lazy as _

from federation.core.roles import Role, grant
from federation.web.registers import Menu, Register, declare
from outreach import task_todos  # noqa: F401 - the units' to-dos and the reminders before a task's due date
from outreach.models import SET_COUNTY_TASKS, Task
from outreach.task_exports import TASKS_LEDGER
from outreach.views.tasks import TaskDeleteView, TaskDetailView, TaskFormView, TaskGridView

_SETTER = ["outreach.view_task", "outreach.add_task", "outreach.change_task", "outreach.delete_task"]
_HAND_IN = ["outreach.view_taskassignment", "outreach.change_taskassignment"]

declare(
    Register(
        model=Task,
        path="tasks",
        views={
            "list": TaskGridView,
            "create": TaskFormView,
            "update": TaskFormView,
            "detail": TaskDetailView,
            "delete": TaskDeleteView,
        },
        menu=Menu("outreach", 9, section=3, label=_("交办任务")),
        # A director sees her village's tasks and hands them in; the township sets tasks for its
        # villages and hands in the county's; the county viewer reads, and sets tasks for her
        # townships (``set_county_tasks``, given by the migration 0009_tasks): nothing else.
        grants={
            Role.VILLAGE_DIRECTOR: ["outreach.view_task"],
            Role.TOWNSHIP_STAFF: list(_SETTER),
            Role.TOWNSHIP_CHAIR: list(_SETTER),
            Role.COUNTY_VIEWER: ["outreach.view_task", SET_COUNTY_TASKS],
        },
        help=_(
            "上级交办任务：县妇联给乡镇、乡镇妇联给村布置的任务（如群众路线、禁毒防艾、六一儿童节），"
            "写明文件文号、完成期限和要上报的内容；各单位完成后在这里上报，过了期限上报的记为逾期完成。"
        ),
        ledgers=(TASKS_LEDGER,),
    )
)

grant(
    "outreach.task_hand_ins",
    {
        Role.VILLAGE_DIRECTOR: list(_HAND_IN),
        Role.TOWNSHIP_STAFF: list(_HAND_IN),
        Role.TOWNSHIP_CHAIR: list(_HAND_IN),
        Role.COUNTY_VIEWER: ["outreach.view_taskassignment"],
    },
)

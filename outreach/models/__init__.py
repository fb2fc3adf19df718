"""Outreach: visits, two-cancer screening, volunteer teams, petitions, register deadlines, tasks."""

from outreach.models.base import (  # noqa: F401
    OutreachQuerySet,
    OutreachSettings,
    TownshipLevelQuerySet,
    outreach_settings,
    year_bounds,
)
from outreach.models.deadlines import (  # noqa: F401
    RegisterDeadline,
    RegisterReport,
    register_deadlines,
)
from outreach.models.honours import (  # noqa: F401
    REVIEW_HONOURS,
    AwardKind,
    AwardLevel,
    FamilyHeading,
    HonourNomination,
    HonourNotice,
    HonourObjection,
    NominationStatus,
    RedBannerAward,
)
from outreach.models.lectures import Lecture, LectureKind, LectureTarget  # noqa: F401
from outreach.models.petitions import (  # noqa: F401
    DOMESTIC_VIOLENCE_PERMISSION,
    Handling,
    MediationResult,
    Petition,
    PetitionCategory,
    PetitionWay,
)
from outreach.models.screening import (  # noqa: F401
    HEALTH_DATA_PERMISSION,
    Screening,
    ScreeningKind,
    ScreeningResult,
)
from outreach.models.tasks import (  # noqa: F401
    SET_COUNTY_TASKS,
    SET_TOWNSHIP_TASKS,
    Task,
    TaskAssignment,
    hand_in_problems,
    handed_in_late,
    task_problems,
)
from outreach.models.visits import Visit, VisitedFor, VisitMode  # noqa: F401
from outreach.models.volunteers import (  # noqa: F401
    Speciality,
    VolunteerActivity,
    VolunteerMember,
    VolunteerTeam,
)

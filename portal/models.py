"""Imports every domain's models so metadata and migrations see all tables."""
from .accounts.models import ApiToken, User  # noqa: F401
from .agencies.models import Agency  # noqa: F401
from .audit.models import AccessEvent, AuditEvent  # noqa: F401
from .catalog.models import (  # noqa: F401
    DataItem, Dataset, DatasetChange, Resource, ResourceVersion, Review, Tag, Theme)
from .catalog.indexing import SearchOutbox  # noqa: F401
from .workdays import CalendarDay  # noqa: F401
from .plans.models import OpenPlan, PlanItem  # noqa: F401

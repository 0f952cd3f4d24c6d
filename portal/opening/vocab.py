"""Display labels of application, grant and timeline values (one place, translatable)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import ApplicationState, GrantState, ProvisionMethod

STATE_LABELS = {
    ApplicationState.DRAFT: lazy_pgettext("application state", "Draft"),
    ApplicationState.SUBMITTED: lazy_pgettext("application state", "Under review"),
    ApplicationState.INFO_REQUESTED: lazy_pgettext("application state", "More information requested"),
    ApplicationState.APPROVED: lazy_pgettext("application state", "Approved"),
    ApplicationState.REFUSED: lazy_pgettext("application state", "Refused"),
    ApplicationState.WITHDRAWN: lazy_pgettext("application state", "Withdrawn"),
}
GRANT_STATE_LABELS = {
    GrantState.ACTIVE: lazy_pgettext("grant state", "Active"),
    GrantState.SUSPENDED: lazy_pgettext("grant state", "Suspended"),
    GrantState.REVOKED: lazy_pgettext("grant state", "Revoked"),
}
METHOD_LABELS = {
    ProvisionMethod.DOWNLOAD: _l("File download from the portal"),
    ProvisionMethod.API: _l("API with a personal token"),
}
EVENT_LABELS = {
    "created": _l("Draft saved"),
    "submitted": _l("Application submitted"),
    "info_requested": _l("The agency asked for more information"),
    "info_provided": _l("The applicant answered"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "reopened": _l("Reopened by the data authority after a dispute"),
    "withdrawn": _l("Withdrawn by the applicant"),
    "grant_suspended": _l("Access suspended"),
    "grant_resumed": _l("Access resumed"),
    "grant_revoked": _l("Access revoked"),
    "report_filed": _l("Usage report filed"),
}
REPORT_INTERVALS = {
    30: _l("Monthly"),
    90: _l("Quarterly"),
    180: _l("Every six months"),
    365: _l("Yearly"),
}

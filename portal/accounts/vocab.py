"""Display labels of roles and data-user kinds."""
from flask_babel import lazy_gettext as _l

from .models import Role, UserKind

ROLE_LABELS = {
    Role.DATA_USER: _l("Data user"),
    Role.AGENCY_STAFF: _l("Agency staff"),
    Role.AUTHORITY: _l("Data authority"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
    Role.EXPERT: _l("Expert committee member"),
    Role.OPERATOR: _l("Authorised operator"),
    Role.EVALUATOR: _l("Third-party evaluator"),
}
USER_KIND_LABELS = {
    UserKind.PERSON: _l("Person"),
    UserKind.LEGAL_PERSON: _l("Legal person"),
    UserKind.UNINCORPORATED: _l("Unincorporated organisation"),
}

"""Imports every domain's models so metadata and migrations see all tables."""
from .accounts.models import AccessBlock, ApiToken, Consent, LoginThrottle, User  # noqa: F401
from .agencies.models import Agency  # noqa: F401
from .audit.models import AccessEvent, AuditEvent  # noqa: F401
from .catalog.models import (  # noqa: F401
    DataItem, Dataset, DatasetChange, QuarantinedFile, Resource, ResourceVersion, Review, Tag, Theme)
from .catalog.indexing import SearchOutbox  # noqa: F401
from .workdays import CalendarDay  # noqa: F401
from .plans.models import OpenPlan, PlanItem  # noqa: F401
from .inbox.models import Message  # noqa: F401
from .feedback.models import Attachment, Complaint, Correction, Report  # noqa: F401
from .opening.models import Application, ApplicationAttachment, ApplicationEvent, Grant, UsageReport  # noqa: F401
from .supervision.models import DeadlineNotice  # noqa: F401
from .pagecache import SiteState  # noqa: F401
from .withdrawal.models import Withdrawal  # noqa: F401
from .triggers.models import CatalogTrigger, TriggerEntry  # noqa: F401
from .assets.models import DataAsset  # noqa: F401
from .operation.models import OperationAgreement  # noqa: F401
from .evaluation.models import EvaluationRound, EvaluationSnapshot  # noqa: F401
from .sharing.dispute_models import ShareChangeNotice, ShareDispute, ShareErrorReport  # noqa: F401
from .sharing.demand_models import DemandEvent, DemandRequest, VerificationEvent, VerificationRequest  # noqa: F401
from .sharing.models import ShareDelivery, ShareGrant, ShareRequest, ShareRequestEvent  # noqa: F401
from .backup.models import BackupRun  # noqa: F401
from .disputes.models import Dispute, ExpertReferral  # noqa: F401
from .follows.models import Follow, FollowEvent  # noqa: F401
from .datarequests.models import DataRequest, DataRequestSupport  # noqa: F401
from .reuses.models import CommentReport, Rating, Reuse  # noqa: F401
from .discovery.models import SearchMark  # noqa: F401
from .tables.models import DerivedTable  # noqa: F401

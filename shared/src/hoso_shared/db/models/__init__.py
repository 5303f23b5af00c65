"""Every table of the one schema. Each module's header says which service writes it."""

from hoso_shared.db.models.access_grants import AccessGrant, GrantDecision
from hoso_shared.db.models.accounts import Account, AccountAccessChange, AccountDelegation
from hoso_shared.db.models.audit import AuditEntry
from hoso_shared.db.models.calendar import WorkingDayOverride
from hoso_shared.db.models.change_requests import (
    ApprovalWindow,
    ChangeRequest,
    ChangeRequestState,
    Decision,
    Delegation,
)
from hoso_shared.db.models.fix_requests import FixRequest
from hoso_shared.db.models.imports import ImportJob, ImportJobFile, ImportJobRow
from hoso_shared.db.models.login_throttle import LoginThrottle
from hoso_shared.db.models.org_units import OrgUnit, OrgUnitChange, OrgUnitPeriod
from hoso_shared.db.models.outbox import OutboxRow
from hoso_shared.db.models.packets import (
    CitizenCheck,
    Delivery,
    Packet,
    PacketChain,
    PacketRecord,
    Receipt,
    SigningKey,
)
from hoso_shared.db.models.profiles import (
    Attachment,
    Profile,
    ProfileAssignment,
    ProfileSectionRow,
    ProfileVersion,
)
from hoso_shared.db.models.quality import ProfileFindings, QualitySnapshot
from hoso_shared.db.models.reports import ProgressEdition, ProgressPage, QuarterlyReview
from hoso_shared.db.models.sync_batches import SyncBatch
from hoso_shared.db.models.transfers import Transfer

__all__ = [
    "AccessGrant", "Account", "AccountAccessChange", "AccountDelegation", "ApprovalWindow", "Attachment", "AuditEntry",
    "ChangeRequest", "ChangeRequestState", "CitizenCheck", "Decision", "Delegation", "Delivery", "FixRequest",
    "GrantDecision", "ImportJob",
    "ImportJobFile", "ImportJobRow", "LoginThrottle", "OrgUnit", "OrgUnitChange", "OrgUnitPeriod", "OutboxRow",
    "Packet", "PacketChain", "PacketRecord",
    "Profile", "ProfileAssignment", "ProfileFindings", "ProfileSectionRow", "ProfileVersion", "ProgressEdition",
    "ProgressPage",
    "QualitySnapshot", "QuarterlyReview", "Receipt", "SigningKey", "SyncBatch", "Transfer", "WorkingDayOverride",
]

"""Portal users: data users (persons and organisations), agency staff, authority, auditors, administrators."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..agencies.models import Agency
from ..extensions import db
from ..models_base import stamped


class Role(StrEnum):
    DATA_USER = "data_user"        # 数据利用主体
    AGENCY_STAFF = "agency_staff"  # bound to one agency
    AUTHORITY = "authority"        # 公共数据主管部门
    AUDITOR = "auditor"            # read-only everywhere (R2024 §29)
    ADMIN = "admin"
    EXPERT = "expert"              # 公共数据专家委员会: reads disputes referred to it (R2024 §47)
    OPERATOR = "operator"          # 授权运营 operator (a legal person): its agreements' data by API token only
    EVALUATOR = "evaluator"        # third-party evaluator (SZ §32): reads evaluation rounds, changes nothing


class UserKind(StrEnum):
    """What kind of data user (R2024 §3); staff accounts have none."""

    PERSON = "person"                  # 自然人
    LEGAL_PERSON = "legal_person"      # 法人
    UNINCORPORATED = "unincorporated"  # 非法人组织


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.DATA_USER)
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    # 公民身份号码: only a mask for display and a keyed hash for uniqueness are stored.
    citizen_id_masked: Mapped[str | None] = mapped_column(String(18), nullable=True)
    citizen_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # 统一社会信用代码 is public registry information and identifies the organisation in decisions.
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the owner followed the signed link mailed to the address (accounts.verification).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Part of every session's identity (get_session_token); raised to end all earlier sessions at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # 共享专员 (R2018 §27「指定专人负责信息资源共享工作」): an agency staff account the authority named; it alone
    # submits and decides its agency's sharing cases (portal/sharing), the agency's other staff read them.
    share_officer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Set when the owner deleted the account (accounts.erasure): the row stays, anonymised, for the records
    # that name it (docs/decisions.md).
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_session_token(self) -> str:
        """What a session cookie (and a remember-me cookie) holds: the user and the session version
        (Flask-Login's id_attribute; accounts.sessions checks both)."""
        return f"{self.id}:{self.session_version}"


class Consent(db.Model):
    """A data user agreed to one version of the privacy policy (accounts.consent): at registration, or at a
    login after the policy changed. Kept after the account is deleted: it names no one but the account number."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    policy_version: Mapped[str] = mapped_column(String(40))
    context: Mapped[str] = mapped_column(String(20))  # registration | login
    agreed_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)


class TokenScope(StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(db.Model):
    """A personal API token: only its SHA-256 is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists so the owner can tell tokens apart
    scope: Mapped[str] = mapped_column(String(20), default=TokenScope.READ)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class AccessBlock(db.Model):
    """A user's access to conditionally open data suspended for misuse (R2024 §50): to one agency's data,
    or (agency empty) to all of it; active while `lifted_at` is empty; lifted, never deleted.

    The agency or the authority suspends on an application's page or the console (opening.grants); the
    authority suspends the whole account from a report of illegal use or directly (accounts.access). Every
    use of a grant asks `accounts.access.blocks_closing`; open data stays open to the user.
    """

    __tablename__ = "access_blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    # Where the whole account was suspended: "report:7" (a report of illegal use) or "account"; empty when the
    # agency or the authority suspended the user on an application or the console (the refusal of a download
    # then states the date and the reason; otherwise it points to the notice in the user's inbox).
    source: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=stamped)
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    lift_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class LoginThrottle(db.Model):
    """Failed logins for one e-mail address, seen by every worker (accounts.lockout). Kept for any address
    typed, registered or not, so that a locked address does not tell whether an account exists."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the normalised address
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

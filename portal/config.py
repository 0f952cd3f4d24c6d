"""Configuration from PORTAL_* environment variables (documented in README)."""
from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy.engine import make_url

from . import deployment


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PORTAL_{name}", default)


# Deadlines and periods: each setting and the least value it may take. Every one is read and checked by
# whole_number, at start-up (Config reads the environment, create_app checks the final configuration).
PERIOD_SETTINGS: dict[str, int] = {
    "REVIEW_WORKDAYS": 1,             # R2024 §11
    "LEGAL_STOP_WORKDAYS": 1,         # portal choice: the authority's follow-up of a stop for a legal prohibition
    "COMPLAINT_WORKDAYS": 1,
    "CORRECTION_WORKDAYS": 1,         # SZ §19, R2018 §21
    "REPORT_WORKDAYS": 1,
    "APPLICATION_WORKDAYS": 1,        # SZ §25
    "APPLICATION_MAX_DAYS": 1,
    "USAGE_REPORT_DAYS": 1,
    "ACCESS_LOG_RETENTION_DAYS": 730,  # at least two years, R2018 §24
    "EMAIL_CONFIRM_HOURS": 1,
    "PASSWORD_RESET_MINUTES": 1,
    "COMPLAINT_BURST_COUNT": 1,
    "COMPLAINT_BURST_MINUTES": 1,
    "COMPLAINT_BURST_NEW_ACCOUNT_DAYS": 1,
    "COMPLAINT_BURST_HOLD_WORKDAYS": 1,
    "LOGIN_LOCKOUT_FAILURES": 1,
    "LOGIN_LOCKOUT_MINUTES": 1,
    "LOGIN_LOCKOUT_MAX_MINUTES": 1,
    "PROXY_COUNT": 0,                 # reverse proxies in front; 0 trusts none
    # sharing between agencies (SHARING.md)
    "SHARE_ANSWER_WORKDAYS": 1,       # R2024 §23「5个工作日内予以答复」
    "SHARE_DELIVERY_WORKDAYS": 1,     # R2024 §23「答复之日起5个工作日内完成数据共享」
    "SHARE_GRANT_MAX_DAYS": 1,        # portal choice; renewal is a new request
    "DEMAND_REVIEW_WORKDAYS": 1,      # portal choice (R2024 §24 sets none)
    "DEMAND_COMPLETION_WORKDAYS": 1,  # R2024 §24「答复之日起7个工作日内完成数据汇聚、共享」
    "VERIFY_WORKDAYS": 1,             # portal choice (R2024 §23「及时予以配合」)
    "DEMAND_UPWARD_FOLLOWUP_WORKDAYS": 1,  # portal choice: R2024 §25 sets the higher level no deadline
    "SHARE_NEGOTIATION_WORKDAYS": 1,  # R2018 §19「10个工作日内协商解决」
    "SHARE_COORDINATION_WORKDAYS": 1,  # R2018 §19「在30个工作日内协调解决」
    "DISPUTE_WORKDAYS": 1,            # portal choice after R2018 §19 (OVERSIGHT §7)
    "SHARE_CHANGE_NOTICE_MONTHS": 1,  # SZ §12「至少提前一个月通知」
    "WITHDRAWAL_NOTICE_MONTHS": 1,    # SZ §12「至少提前一个月通知」 for a published entry (OVERSIGHT §2)
    "SHARE_ERROR_REPORT_WORKDAYS": 1,  # R2018 §21「在发现问题5个工作日内反馈」
    "SHARE_ERROR_ANSWER_WORKDAYS": 1,  # R2018 §21「10个工作日内予以处理和回复」
    "EVALUATION_COMMENT_WORKDAYS": 1,  # OVERSIGHT §8(b): agencies comment on their snapshot (portal choice)
    "REASSESS_MONTHS": 1,       # R2024 §22「定期进行评估」 sets no period: portal choice, a year
    "CATALOG_UPDATE_WORKDAYS": 1,     # R2024 §11「在15个工作日内更新本机构公共数据目录」 (OVERSIGHT §1)
    # public data requests (数据需求, issue 25): R2024 §26「以需求为导向」 sets no period; portal choices
    "DATA_REQUEST_ROUTING_WORKDAYS": 1,  # the authority routes a request to an agency
    "DATA_REQUEST_WORKDAYS": 1,       # the agency answers (docs/decisions.md)
    # scheduled backups (OVERSIGHT §11)
    "BACKUP_MAX_AGE_HOURS": 1,        # portal choice: a daily run plus two hours
    "BACKUP_DRILL_DAYS": 1,           # portal choice: a quarterly restore drill
}
BACKUP_SCHEDULES = ("hourly", "daily", "weekly", "monthly")
APPLICATION_CLOCK_RULES = ("run", "pause", "restart")  # see docs/decisions.md
# A provider's question does not stop the answer period (SHARING.md §3.2, portal choice; docs/decisions.md).
SHARE_CLOCK_RULES = ("run",)
# A stop notice takes effect by itself (file: R2018 §18 备案) or once the authority approves (SZ §12).
SHARE_CHANGE_MODES = ("file", "approve")
WITHDRAWAL_MODES = ("file", "approve")  # the same for a planned withdrawal of a published entry (OVERSIGHT §2)
SHARE_FIGURES_CHOICES = ("totals", "by_agency", "none")  # what the public sees of the sharing figures (§6)
# The kinds of instrument a conditional or refused share type may rest on (SHARING.md §2.1 rule 2), and what
# a basic resource may be besides unconditional (rule 3).
SHARE_BASIS_KINDS = ("law", "administrative_regulation", "local_regulation", "rules", "policy")
SHARE_BASIC_CONDITIONAL_RULES = ("confirm", "forbid")
# Classification and grading (OVERSIGHT.md §4): for each data level, the open and share types it may take;
# a level mapped to None is not accepted on this portal (portal choice, docs/decisions.md).
DATA_LEVELS = ("core", "important", "general")
OPEN_TYPES = ("unconditional", "conditional", "closed")
SHARE_TYPES = ("unconditional", "conditional", "none")
DEFAULT_LEVEL_RULES = {
    "core": None,
    "important": {"open_type": ["closed"], "share_type": ["conditional", "none"]},
    "general": {"open_type": list(OPEN_TYPES), "share_type": list(SHARE_TYPES)},
}
# 行业领域 of the regional classification rule (portal default; set the region's list in PORTAL_DATA_CATEGORIES).
DEFAULT_DATA_CATEGORIES = ("农业农村", "工业和信息化", "自然资源", "生态环境", "交通运输", "水利", "住房城乡建设",
                           "教育", "科技", "卫生健康", "人力资源社会保障", "民政", "公安", "司法", "财政", "税务",
                           "市场监管", "商务", "文化旅游", "应急管理", "统计", "能源", "金融", "其他")
DEFAULT_GENERAL_GRADES = ("一级", "二级", "三级", "四级")
_WHOLE = re.compile(r"\s*[0-9]+\s*")


def whole_number(name: str, value: Any, minimum: int = 1) -> int:
    """The setting PORTAL_<name> as a whole number of at least `minimum`; ValueError naming it otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value):
        number = int(value)
    else:
        number = None
    if number is None or number < minimum:
        raise ValueError(f"PORTAL_{name} must be a whole number of at least {minimum}, got {value!r}")
    return number


def _period(name: str, default: int) -> int:
    return whole_number(name, _env(name, str(default)), PERIOD_SETTINGS[name])


def check_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The deadline and period settings of a final configuration, checked and as numbers (create_app)."""
    checked: dict[str, Any] = {name: whole_number(name, config.get(name), minimum)
                               for name, minimum in PERIOD_SETTINGS.items()}
    clock = config.get("APPLICATION_CLOCK")
    if clock not in APPLICATION_CLOCK_RULES:
        raise ValueError(f"PORTAL_APPLICATION_CLOCK must be one of {', '.join(APPLICATION_CLOCK_RULES)}, got {clock!r}")
    for name, choices in (("SHARE_CLOCK", SHARE_CLOCK_RULES), ("SHARE_FIGURES_PUBLIC", SHARE_FIGURES_CHOICES),
                          ("SHARE_CHANGE_MODE", SHARE_CHANGE_MODES), ("BACKUP_SCHEDULE", BACKUP_SCHEDULES),
                          ("WITHDRAWAL_MODE", WITHDRAWAL_MODES)):
        if config.get(name) not in choices:
            raise ValueError(f"PORTAL_{name} must be one of {', '.join(choices)}, got {config.get(name)!r}")
    kinds = config.get("SHARE_BASIS_KINDS")
    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    if not kinds or any(k not in SHARE_BASIS_KINDS for k in kinds):
        raise ValueError(f"PORTAL_SHARE_BASIS_KINDS must name some of {', '.join(SHARE_BASIS_KINDS)}, got {kinds!r}")
    checked["SHARE_BASIS_KINDS"] = tuple(k for k in SHARE_BASIS_KINDS if k in kinds)
    if config.get("SHARE_BASIC_CONDITIONAL") not in SHARE_BASIC_CONDITIONAL_RULES:
        raise ValueError(f"PORTAL_SHARE_BASIC_CONDITIONAL must be one of {', '.join(SHARE_BASIC_CONDITIONAL_RULES)}, "
                         f"got {config.get('SHARE_BASIC_CONDITIONAL')!r}")
    checked.update(level_settings(config))
    return checked


def _word_list(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in re.split(r"[,，、;；]", value) if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"PORTAL_{name} must be a comma-separated list, got {value!r}")
    return tuple(value)


def level_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The grading settings of a final configuration, checked (PORTAL_LEVEL_RULES is JSON: level → null (not
    accepted) or {"open_type": [...], "share_type": [...]}; a level left out is not accepted)."""
    import json

    rules = config.get("LEVEL_RULES")
    if isinstance(rules, str):
        try:
            rules = json.loads(rules)
        except ValueError:
            raise ValueError(f"PORTAL_LEVEL_RULES must be JSON, got {rules!r}") from None
    if not isinstance(rules, Mapping) or any(k not in DATA_LEVELS for k in rules):
        raise ValueError(f"PORTAL_LEVEL_RULES must map some of {', '.join(DATA_LEVELS)}, got {rules!r}")
    checked: dict[str, Any] = {}
    for level in DATA_LEVELS:
        rule = rules.get(level)
        if rule is None:
            checked[level] = None
            continue
        if not isinstance(rule, Mapping):
            raise ValueError(f"PORTAL_LEVEL_RULES[{level}] must be null or an object, got {rule!r}")
        allowed = {}
        for name, choices in (("open_type", OPEN_TYPES), ("share_type", SHARE_TYPES)):
            given = rule.get(name, list(choices))
            if not isinstance(given, (list, tuple)) or not given or any(v not in choices for v in given):
                raise ValueError(f"PORTAL_LEVEL_RULES[{level}][{name}] must name some of {', '.join(choices)}")
            allowed[name] = tuple(v for v in choices if v in given)
        checked[level] = allowed
    if config.get("LEVEL_PUBLIC") not in (True, False, "0", "1", 0, 1):
        raise ValueError(f"PORTAL_LEVEL_PUBLIC must be 0 or 1, got {config.get('LEVEL_PUBLIC')!r}")
    return {"LEVEL_RULES": checked, "LEVEL_PUBLIC": config.get("LEVEL_PUBLIC") in (True, "1", 1),
            "DATA_CATEGORIES": _word_list("DATA_CATEGORIES", config.get("DATA_CATEGORIES")),
            "GENERAL_GRADES": _word_list("GENERAL_GRADES", config.get("GENERAL_GRADES")),
            "GRADING_RULE_VERSION": str(config.get("GRADING_RULE_VERSION") or "").strip()[:40]}


def _in_memory_sqlite(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


class Config:
    """Settings read once at start-up; every one has an embedded default."""

    def __init__(self) -> None:
        data_dir = Path(_env("DATA_DIR", "instance")).resolve()
        self.DATA_DIR = str(data_dir)
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{data_dir / 'portal.db'}")
        if _in_memory_sqlite(self.SQLALCHEMY_DATABASE_URI):
            raise ValueError("PORTAL_DATABASE_URL names an in-memory SQLite database, which the portal's workers "
                             "and connections cannot share: name a file (sqlite:////path/portal.db) or a server.")
        self._keys(data_dir)
        self.SEARCH_BACKEND = _env("SEARCH_BACKEND", "whoosh")
        self.SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR", str(data_dir / "index"))
        self.STORAGE_DIR = _env("STORAGE_DIR", str(data_dir / "files"))
        # Copies the portal derives from stored files (the Parquet of tables): apart, not backed up, made anew.
        self.DERIVED_DIR = _env("DERIVED_DIR", str(data_dir / "derived"))
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "worker-memory://")
        self.RATELIMIT_SEARCH = _env("RATELIMIT_SEARCH", "120/minute")
        self.RATELIMIT_DOWNLOAD = _env("RATELIMIT_DOWNLOAD", "60/minute")
        self.RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10/minute")
        # One account (e-mail) locked after this many failed logins in a row, for 1, 2, 4… minutes up to the cap.
        self.LOGIN_LOCKOUT_FAILURES = _period("LOGIN_LOCKOUT_FAILURES", 5)
        self.LOGIN_LOCKOUT_MINUTES = _period("LOGIN_LOCKOUT_MINUTES", 1)
        self.LOGIN_LOCKOUT_MAX_MINUTES = _period("LOGIN_LOCKOUT_MAX_MINUTES", 15)
        self.RATELIMIT_API = _env("RATELIMIT_API", "120/minute")              # per client address
        self.RATELIMIT_API_TOKEN = _env("RATELIMIT_API_TOKEN", "600/minute")  # per API token
        self.RATELIMIT_ENABLED = _env("RATELIMIT_ENABLED", "1") != "0"
        self.SEARCH_PAGE_SIZE = int(_env("SEARCH_PAGE_SIZE", "20"))
        # Finding the catalog (portal/discovery): a query shows among popular searches once this many
        # different searchers ran it in a 30-day period; the sitemap holds at most this many addresses a file.
        self.POPULAR_SEARCH_MIN = max(2, int(_env("POPULAR_SEARCH_MIN", "3")))
        self.SITEMAP_PAGE_SIZE = int(_env("SITEMAP_PAGE_SIZE", "20000"))
        # Anonymous pages kept a while; any change empties it at once, download counts may lag this long.
        self.PAGE_CACHE_SECONDS = int(_env("PAGE_CACHE_SECONDS", "60"))
        self.PAGE_CACHE_MB = int(_env("PAGE_CACHE_MB", "64"))  # per process, in memory
        # Shared by every worker: "file" (under DATA_DIR/cache/pages, the workers of one machine),
        # a redis:// URL (every machine), or "none" (each process renders its own).
        self.PAGE_CACHE_URI = _env("PAGE_CACHE_URI", "file")
        # Pages (HTML, JSON, XML) at least this long are gzip'd for clients that accept it (portal/machinery/statics.py).
        self.PAGE_GZIP_MIN_BYTES = int(_env("PAGE_GZIP_MIN_BYTES", "1024"))
        self.SITE_NAME = _env("SITE_NAME", "内蒙古自治区公共数据开放平台")
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = ["zh_CN", "en"]
        # A pooled connection to a server database is checked before it is reused, so service resumes after
        # the database restarts: by its socket (machinery/database.py), not by pool_pre_ping's round trip.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env("SECURE_COOKIES", "0") == "1"
        # Uploads stream to disk; the file limit, plus room for the form around a multipart upload.
        self.UPLOAD_MAX_BYTES = int(_env("MAX_UPLOAD_MB", "1100")) * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.UPLOAD_MAX_BYTES + 1024 * 1024
        # Derived tables (portal/tables): files up to this size are read into Parquet by the request that
        # uploaded them, before it answers; larger ones by a thread of the process (or `flask portal derive`).
        self.DERIVE_INLINE_MAX_BYTES = int(_env("DERIVE_INLINE_MB", "8")) * 1024 * 1024
        self.DERIVE_IN_THREAD = _env("DERIVE_IN_THREAD", "1") == "1"
        # Regulations binding this deployment, the prevailing one first (portal/legal/regulations.toml).
        self.REGULATIONS = _env("REGULATIONS", "R2024,R2018")
        self.REVIEW_WORKDAYS = _period("REVIEW_WORKDAYS", 5)  # R2024 §11
        # Complaints, corrections, reports (SPEC §4): deadlines in workdays, evidence limits, complaint rate.
        self.COMPLAINT_WORKDAYS = _period("COMPLAINT_WORKDAYS", 10)
        self.CORRECTION_WORKDAYS = _period("CORRECTION_WORKDAYS", 10)  # SZ §19, R2018 §21
        self.REPORT_WORKDAYS = _period("REPORT_WORKDAYS", 10)
        self.EVIDENCE_MAX_BYTES = int(_env("EVIDENCE_MAX_MB", "10")) * 1024 * 1024
        self.RATELIMIT_COMPLAINT = _env("RATELIMIT_COMPLAINT", "5/day")  # per account
        # AUDIT_KEY (set in _keys) keys the audit chain's HMAC and signs its checkpoints; never in the database.
        # Signed checkpoints of the audit chain, outside the database: point it at the backup location.
        self.AUDIT_CHECKPOINT_DIR = _env("AUDIT_CHECKPOINT_DIR", str(data_dir / "audit-checkpoints"))
        self.BACKUP_KEY = _env("BACKUP_KEY")  # encrypts `flask portal backup` archives (R2024 §35)
        # Scheduled runs (`flask portal backup run`, docs/operations.md): local directory, off-site directory
        # (another mount), one run per period, the age of the newest verified off-site copy that raises the alarm.
        self.BACKUP_DIR = _env("BACKUP_DIR", str(data_dir / "backups"))
        self.BACKUP_OFFSITE = _env("BACKUP_OFFSITE", "")
        # An sftp://user@host:port/path target: its private key file, and the known_hosts file its host key is
        # checked against (required: the check is never switched off).
        self.BACKUP_OFFSITE_KEY = _env("BACKUP_OFFSITE_KEY", "")
        self.BACKUP_OFFSITE_KNOWN_HOSTS = _env("BACKUP_OFFSITE_KNOWN_HOSTS", "")
        self.BACKUP_SCHEDULE = _env("BACKUP_SCHEDULE", "daily")
        self.BACKUP_MAX_AGE_HOURS = _period("BACKUP_MAX_AGE_HOURS", 26)
        self.BACKUP_DRILL_DAYS = _period("BACKUP_DRILL_DAYS", 92)  # a quarterly restore drill
        self.ACCESS_LOG_RETENTION_DAYS = _period("ACCESS_LOG_RETENTION_DAYS", 730)  # at least 2 years, R2018 §24
        # Conditional-open applications (SZ §25, R2024 §28, §36)
        self.APPLICATION_WORKDAYS = _period("APPLICATION_WORKDAYS", 10)
        self.APPLICATION_MAX_DAYS = _period("APPLICATION_MAX_DAYS", 365)
        self.APPLICATION_CLOCK = _env("APPLICATION_CLOCK", "run")  # run | pause | restart (docs/decisions.md)
        self.APPLICATION_ATTACHMENT_MB = int(_env("APPLICATION_ATTACHMENT_MB", "10"))
        # Sharing between agencies (SHARING.md): R2024 §23's 5 workdays to answer and 5 to deliver supersede
        # the older 10 (R2018 §19, R2021 §24); the rest are R2018 §19's, SZ §12's or the portal's choices.
        self.SHARE_ANSWER_WORKDAYS = _period("SHARE_ANSWER_WORKDAYS", 5)
        self.SHARE_DELIVERY_WORKDAYS = _period("SHARE_DELIVERY_WORKDAYS", 5)
        self.SHARE_CLOCK = _env("SHARE_CLOCK", "run")
        self.SHARE_GRANT_MAX_DAYS = _period("SHARE_GRANT_MAX_DAYS", 365)
        self.DEMAND_REVIEW_WORKDAYS = _period("DEMAND_REVIEW_WORKDAYS", 5)
        self.DEMAND_COMPLETION_WORKDAYS = _period("DEMAND_COMPLETION_WORKDAYS", 7)
        self.VERIFY_WORKDAYS = _period("VERIFY_WORKDAYS", 5)
        # asked upward (R2024 §25): no rule sets the higher level a deadline; the authority follows up after
        self.DEMAND_UPWARD_FOLLOWUP_WORKDAYS = _period("DEMAND_UPWARD_FOLLOWUP_WORKDAYS", 10)
        self.SHARE_NEGOTIATION_WORKDAYS = _period("SHARE_NEGOTIATION_WORKDAYS", 10)
        self.SHARE_COORDINATION_WORKDAYS = _period("SHARE_COORDINATION_WORKDAYS", 30)
        # Disputes about open-data decisions to the data authority (OVERSIGHT §7; R2024 §47 sets no time)
        self.DISPUTE_WORKDAYS = _period("DISPUTE_WORKDAYS", 30)
        self.SHARE_CHANGE_NOTICE_MONTHS = _period("SHARE_CHANGE_NOTICE_MONTHS", 1)
        self.SHARE_CHANGE_MODE = _env("SHARE_CHANGE_MODE", "file")  # file | approve
        self.WITHDRAWAL_NOTICE_MONTHS = _period("WITHDRAWAL_NOTICE_MONTHS", 1)
        self.WITHDRAWAL_MODE = _env("WITHDRAWAL_MODE", "file")  # file | approve (SZ §12「审核通过后」)
        # The agency's own reviews before submission (OVERSIGHT §5): 公开审查 binding (SZ §23; 保密审查 always is),
        # and four eyes: the reviewer did not draft the version (portal choice, off by default).
        self.AGENCY_DISCLOSURE_REVIEW = _env("AGENCY_DISCLOSURE_REVIEW", "1")
        self.AGENCY_REVIEW_FOUR_EYES = _env("AGENCY_REVIEW_FOUR_EYES", "0")
        # An immediate stop for a legal prohibition (OVERSIGHT §2) is a supervision case until followed up.
        self.LEGAL_STOP_WORKDAYS = _period("LEGAL_STOP_WORKDAYS", 5)
        self.SHARE_ERROR_REPORT_WORKDAYS = _period("SHARE_ERROR_REPORT_WORKDAYS", 5)
        self.SHARE_ERROR_ANSWER_WORKDAYS = _period("SHARE_ERROR_ANSWER_WORKDAYS", 10)
        self.SHARE_FIGURES_PUBLIC = _env("SHARE_FIGURES_PUBLIC", "totals")  # totals | by_agency | none
        # Evaluation rounds (OVERSIGHT §8(b), R2024 §39, §41): the agencies' comment period on their snapshot, and
        # whether the authority may publish a finalised round (circulating it to the agencies is always allowed).
        self.EVALUATION_COMMENT_WORKDAYS = _period("EVALUATION_COMMENT_WORKDAYS", 10)
        self.EVALUATION_PUBLIC = _env("EVALUATION_PUBLIC", "0") == "1"
        self.REASSESS_MONTHS = _period("REASSESS_MONTHS", 12)  # conditional entries reassessed
        self.CATALOG_UPDATE_WORKDAYS = _period("CATALOG_UPDATE_WORKDAYS", 15)  # R2024 §11: catalog update after a change
        self.USAGE_REPORT_DAYS = _period("USAGE_REPORT_DAYS", 90)
        # Public data requests (数据需求): the authority routes within 3 workdays, the agency answers within 10
        # (portal choices, docs/decisions.md: no rule sets them; 10 is the answer period of an application).
        self.DATA_REQUEST_ROUTING_WORKDAYS = _period("DATA_REQUEST_ROUTING_WORKDAYS", 3)
        self.DATA_REQUEST_WORKDAYS = _period("DATA_REQUEST_WORKDAYS", 10)
        # Share attributes (SHARING.md §2.1): the basis kinds a conditional or refused share type may rest on
        # (comma-separated; 规章 "rules" and 政策文件 "policy" only if configured), and whether a basic resource
        # may be conditional with the authority's confirmation ("confirm") or never ("forbid").
        self.SHARE_BASIS_KINDS = _env("SHARE_BASIS_KINDS", "law,administrative_regulation,local_regulation")
        self.SHARE_BASIC_CONDITIONAL = _env("SHARE_BASIC_CONDITIONAL", "confirm")
        # Classification and grading (OVERSIGHT.md §4): what each level may be (JSON, see level_settings), whether
        # the level is public, the 行业领域 and 一般数据 sub-grades of the regional rule, and that rule's version.
        self.LEVEL_RULES = _env("LEVEL_RULES") or DEFAULT_LEVEL_RULES
        self.LEVEL_PUBLIC = _env("LEVEL_PUBLIC", "0")
        # Authorised operation (OVERSIGHT.md §10): whether the list of operators with agreements in force is public.
        self.OPERATION_PUBLIC = _env("OPERATION_PUBLIC", "0") == "1"
        self.DATA_CATEGORIES = _env("DATA_CATEGORIES") or DEFAULT_DATA_CATEGORIES
        self.GENERAL_GRADES = _env("GENERAL_GRADES") or DEFAULT_GENERAL_GRADES
        self.GRADING_RULE_VERSION = _env("GRADING_RULE_VERSION", "2024")
        # Links in e-mails, and mail delivery of notices (no SMTP host: inbox only)
        self.BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
        self.SMTP_HOST = _env("SMTP_HOST", "")
        self.SMTP_PORT = int(_env("SMTP_PORT", "25"))
        self.SMTP_USER = _env("SMTP_USER", "")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD", "")
        # Passwords are kept as scrypt hashes; not a setting (only the test configuration changes it).
        self.PASSWORD_HASH_METHOD = "scrypt"
        self.SMTP_FROM = _env("SMTP_FROM", "noreply@localhost")
        self.SMTP_STARTTLS = _env("SMTP_STARTTLS", "0") == "1"
        # Registration and complaint safeguards (docs/security.md; checked at start-up by
        # feedback.safeguards.check_settings): confirmation links, limits per address and portal-wide,
        # and the burst rule: more than BURST_COUNT complaints in BURST_MINUTES holds those of accounts
        # younger than BURST_NEW_ACCOUNT_DAYS for a decision within BURST_HOLD_WORKDAYS.
        self.EMAIL_CONFIRM_HOURS = _period("EMAIL_CONFIRM_HOURS", 48)
        self.RATELIMIT_REGISTER = _env("RATELIMIT_REGISTER", "5/hour")                # per client address
        self.RATELIMIT_REGISTER_GLOBAL = _env("RATELIMIT_REGISTER_GLOBAL", "100/hour")
        # Personal information (docs/decisions.md, "Accounts: consent, password reset, own data, deletion"): the
        # privacy policy's version that consent records (raise it when the policy's text changes: every data
        # user is asked again at the next login) and how long a password-reset link works.
        self.PRIVACY_POLICY_VERSION = _env("PRIVACY_POLICY_VERSION", "2026-12-08")
        self.PASSWORD_RESET_MINUTES = _period("PASSWORD_RESET_MINUTES", 60)
        # Government-site footer lines, each shown only when set: 网站标识码, ICP备案号 (e.g. "蒙ICP备12345678号"),
        # 公安机关备案号 (e.g. "蒙公网安备15010202000123号", linked to the national record site); and the contact page.
        self.SITE_IDENTIFIER = _env("SITE_IDENTIFIER", "")
        self.ICP_RECORD = _env("ICP_RECORD", "")
        self.PSB_RECORD = _env("PSB_RECORD", "")
        self.CONTACT_EMAIL = _env("CONTACT_EMAIL", "")
        self.CONTACT_PHONE = _env("CONTACT_PHONE", "")
        self.CONTACT_ADDRESS = _env("CONTACT_ADDRESS", "")
        self.RATELIMIT_COMPLAINT_ADDR = _env("RATELIMIT_COMPLAINT_ADDR", "10/day")    # per client address
        self.RATELIMIT_COMPLAINT_GLOBAL = _env("RATELIMIT_COMPLAINT_GLOBAL", "20/hour")  # established accounts exempt
        self.COMPLAINT_BURST_COUNT = _period("COMPLAINT_BURST_COUNT", 5)
        self.COMPLAINT_BURST_MINUTES = _period("COMPLAINT_BURST_MINUTES", 1440)
        self.COMPLAINT_BURST_NEW_ACCOUNT_DAYS = _period("COMPLAINT_BURST_NEW_ACCOUNT_DAYS", 7)
        self.COMPLAINT_BURST_HOLD_WORKDAYS = _period("COMPLAINT_BURST_HOLD_WORKDAYS", 1)
        self.RATELIMIT_HEADERS_ENABLED = True
        # Reverse proxies in front of the portal (nginx: 1). Their X-Forwarded-For/-Proto are trusted
        # so that rate limits and access events see the visitor's address; 0 trusts none.
        self.PROXY_COUNT = _period("PROXY_COUNT", 0)
        # Downloads handed to nginx: the internal location that maps to STORAGE_DIR, e.g. "/_files/".
        self.ACCEL_REDIRECT_PREFIX = _env("ACCEL_REDIRECT_PREFIX", "") or ""
        self.TESTING = False

    def _environment(self) -> str:
        return deployment.environment(self.SQLALCHEMY_DATABASE_URI, _env("ENV"))

    def _keys(self, data_dir: Path) -> None:
        """PORTAL_ENV, and the session, identifier and audit keys checked for it (portal/deployment.py)."""
        self.PORTAL_ENV = env = self._environment()
        self.SECRET_KEY = deployment.key("SECRET_KEY", _env("SECRET_KEY"), data_dir / "secret_key", env)
        self.IDENTIFIER_KEY = deployment.key("IDENTIFIER_KEY", _env("IDENTIFIER_KEY"), data_dir / "identifier_key",
                                             env)
        self.AUDIT_KEY = deployment.key("AUDIT_KEY", _env("AUDIT_KEY"), data_dir / "audit_key", env)
        deployment.check_separate_keys(env, SECRET_KEY=self.SECRET_KEY, IDENTIFIER_KEY=self.IDENTIFIER_KEY,
                                       AUDIT_KEY=self.AUDIT_KEY)


class TestConfig(Config):
    """Isolated settings for the tests: a temporary data directory, no rate limits unless asked."""

    def __init__(self, data_dir: str | Path, **overrides: object) -> None:
        os.environ.setdefault("PORTAL_SECRET_KEY", "test-secret")
        # One audit key for every test app, as one deployment has one: a backup restores into another app.
        os.environ.setdefault("PORTAL_AUDIT_KEY", "test-audit-key-not-for-production-0123456789")
        old = os.environ.get("PORTAL_DATA_DIR")
        os.environ["PORTAL_DATA_DIR"] = str(data_dir)
        try:
            super().__init__()
        finally:
            if old is None:
                del os.environ["PORTAL_DATA_DIR"]
            else:
                os.environ["PORTAL_DATA_DIR"] = old
        if "PORTAL_TEST_DATABASE_URL" in os.environ:
            self.SQLALCHEMY_DATABASE_URI = os.environ["PORTAL_TEST_DATABASE_URL"]
            if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
                # A fresh schema per app, first on the search path: each test sees an empty database.
                # Another process of the same test (a worker, a writer) passes TEST_SCHEMA to share it.
                shared = overrides.pop("TEST_SCHEMA", None)
                self.TEST_SCHEMA = str(shared) if shared else _fresh_pg_schema(self.SQLALCHEMY_DATABASE_URI)
                self.SQLALCHEMY_ENGINE_OPTIONS = {
                    **self.SQLALCHEMY_ENGINE_OPTIONS,
                    "connect_args": {"options": f"-c search_path={self.TEST_SCHEMA},public"}}
        if "PORTAL_TEST_REDIS_URL" in os.environ:
            self.RATELIMIT_STORAGE_URI = self.PAGE_CACHE_URI = os.environ["PORTAL_TEST_REDIS_URL"]
        # Limits are counted apart for every test app, also in a shared Redis.
        self.RATELIMIT_KEY_PREFIX = f"t{os.getpid()}-{next(_test_apps)}"
        self.TESTING = True
        # The limiter is one object per process, so every test app keeps it enabled (the last
        # init_app wins) and gets limits no test reaches, unless a test asks for tight ones.
        self.RATELIMIT_SEARCH = self.RATELIMIT_DOWNLOAD = self.RATELIMIT_LOGIN = "100000/minute"
        self.RATELIMIT_COMPLAINT = "100000/minute"
        self.RATELIMIT_REGISTER = self.RATELIMIT_REGISTER_GLOBAL = "100000/minute"
        self.RATELIMIT_COMPLAINT_ADDR = self.RATELIMIT_COMPLAINT_GLOBAL = "100000/minute"
        self.RATELIMIT_API = self.RATELIMIT_API_TOKEN = "100000/minute"
        # A cheap hash: the suite creates and signs in hundreds of accounts, and scrypt costs 0.1-0.3 s each.
        # tests/accounts/test_passwords.py proves that the portal's own configuration uses scrypt.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        self.DERIVE_IN_THREAD = False  # the tests' files are read before the upload answers
        for key, value in overrides.items():
            setattr(self, key, value)

    def _environment(self) -> str:
        return deployment.TESTING  # weak test keys are accepted, missing ones made and kept per data directory


_test_apps = itertools.count(1)


def _fresh_pg_schema(url: str) -> str:
    """Create an empty schema for one test app in the test database (PostgreSQL production profile)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = f"test_{os.getpid()}_{next(_test_apps)}"
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name


def shared_database_env(config) -> dict[str, str]:
    """Environment for a server or command in another process that must use this test app's database:
    the PostgreSQL schema on the search path of PORTAL_DATABASE_URL (nothing for the embedded SQLite
    database, which the data directory already locates)."""
    name = config.get("TEST_SCHEMA")
    if not name:
        return {}
    from sqlalchemy.engine import make_url

    url = make_url(config["SQLALCHEMY_DATABASE_URI"]).update_query_dict({"options": f"-c search_path={name},public"})
    env = {"PORTAL_DATABASE_URL": url.render_as_string(hide_password=False)}
    if config.get("SEARCH_BACKEND"):
        env["PORTAL_SEARCH_BACKEND"] = config["SEARCH_BACKEND"]
    return env


def drop_test_schema(config) -> None:
    """Drop the schema a TestConfig created (app.config; after the app's engine was disposed)."""
    name = config.get("TEST_SCHEMA")
    if not name:
        return
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(config["SQLALCHEMY_DATABASE_URI"])
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database,
                         autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

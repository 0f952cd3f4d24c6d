"""Official identifiers and their check digits: 公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Every function first normalises its input with normalise_identifier: all whitespace removed, letters
upper-cased (so a lower-case x is accepted as the check character of a citizen ID number). Store and
compare the normalised value.

valid_* answer yes or no; *_problem return a translated message for the user, or None when the value is
valid (they use gettext, so call them in an app or request context).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

CHINA = ZoneInfo("Asia/Shanghai")

DIGITS = "0123456789"

# ---- 公民身份号码 (GB 11643-1999) -------------------------------------------------
CITIZEN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CITIZEN_ID_CHECK = "10X98765432"  # indexed by (weighted sum mod 11)
CITIZEN_ID_EARLIEST_BIRTH_YEAR = 1800  # older "birth dates" are typing errors, not people

# ---- 统一社会信用代码 (GB 32100-2015) ---------------------------------------------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: I, O, Z, S and V are never used
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_identifier(s: str | None) -> str:
    """The canonical form of an identifier: whitespace removed, upper case."""
    if not isinstance(s, str):
        return ""
    return "".join(s.split()).upper()


def citizen_id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number, computed over the first 17 digits."""
    if len(first17) != 17 or any(c not in DIGITS for c in first17):
        raise ValueError("the body of a citizen ID number is 17 digits")
    return CITIZEN_ID_CHECK[sum(int(c) * w for c, w in zip(first17, CITIZEN_ID_WEIGHTS)) % 11]


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code, computed over the first 17 characters."""
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17):
        raise ValueError("the body of a unified social credit code is 17 characters of the code alphabet")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def _today_in_china() -> date:
    return datetime.now(CHINA).date()


def _citizen_id_issue(s: str | None, today: date | None) -> str | None:
    value = normalise_identifier(s)
    if len(value) != 18:
        return "length"
    if any(c not in DIGITS for c in value[:17]) or value[17] not in DIGITS + "X":
        return "characters"
    if value[:6] == "000000":
        return "area"
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if birth.year < CITIZEN_ID_EARLIEST_BIRTH_YEAR:
        return "birth_date"
    if birth > (today or _today_in_china()):
        return "birth_future"
    if citizen_id_check_char(value[:17]) != value[17]:
        return "check"
    return None


def valid_citizen_id(s: str | None, *, today: date | None = None) -> bool:
    """Whether s is a well-formed 公民身份号码: 18 characters, a real birth date not after today (in China),
    an area code other than 000000 and the right check character."""
    return _citizen_id_issue(s, today) is None


def citizen_id_problem(s: str | None, *, today: date | None = None) -> str | None:
    """Why s is not a valid citizen ID number, for the user; None when it is valid."""
    issue = _citizen_id_issue(s, today)
    if issue is None:
        return None
    return {
        "length": lambda: _("The citizen ID number must have 18 characters."),
        "characters": lambda: _("The citizen ID number must be 17 digits followed by a digit or X."),
        "area": lambda: _("The citizen ID number does not start with a valid area code."),
        "birth_date": lambda: _("The birth date in the citizen ID number is not a real date."),
        "birth_future": lambda: _("The birth date in the citizen ID number is in the future."),
        "check": lambda: _("The check digit of the citizen ID number is wrong."),
    }[issue]()


def _uscc_issue(s: str | None) -> str | None:
    value = normalise_identifier(s)
    if len(value) != 18:
        return "length"
    if any(c not in USCC_CHARS for c in value):
        return "characters"
    if uscc_check_char(value[:17]) != value[17]:
        return "check"
    return None


def valid_uscc(s: str | None) -> bool:
    """Whether s is a well-formed 统一社会信用代码: 18 characters of the code alphabet and the right check
    character. The registration authority and kind (first two characters) are not restricted further."""
    return _uscc_issue(s) is None


def uscc_problem(s: str | None) -> str | None:
    """Why s is not a valid unified social credit code, for the user; None when it is valid."""
    issue = _uscc_issue(s)
    if issue is None:
        return None
    return {
        "length": lambda: _("The unified social credit code must have 18 characters."),
        "characters": lambda: _("The unified social credit code contains a character that is not allowed "
                                "(I, O, Z, S and V are never used)."),
        "check": lambda: _("The check digit of the unified social credit code is wrong."),
    }[issue]()


def mask_citizen_id(s: str | None) -> str:
    """The normalised number with all but the first 2 and last 2 characters hidden: 15**************3X.

    The area code and birth date stay hidden: with them, the stored keyed hash would fall to about 36,500
    guesses for anyone holding the key. Values of 8 characters or fewer are hidden completely.
    """
    value = normalise_identifier(s)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_email(s: str | None) -> str:
    """An e-mail address for lists and exports: the first character of the local part, then ***, then the
    domain (z***@example.cn). The full address is shown only in the case itself."""
    local, _at, domain = (s or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def hash_identifier(s: str | None, secret: str) -> str:
    """HMAC-SHA256 (hex) of the normalised identifier, to check uniqueness without storing it in clear.
    Keyed by PORTAL_IDENTIFIER_KEY, never by the key that signs sessions."""
    if not secret:
        raise ValueError("hash_identifier needs a non-empty secret")
    return hmac.new(secret.encode("utf-8"), normalise_identifier(s).encode("utf-8"), hashlib.sha256).hexdigest()

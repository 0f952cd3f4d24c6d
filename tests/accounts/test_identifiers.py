"""公民身份号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015): check digits, messages, masking, hashing.

The tests compute check characters independently of the module under test: the citizen ID weights are
2^(17-i) mod 11 with check (12 - sum mod 11) mod 11 (10 written X), ISO 7064 MOD 11-2; the USCC weights
are 3^i mod 31 with check 31 - sum mod 31 (31 written 0).
"""
from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date

import pytest
from flask_babel import force_locale

from portal.accounts.identifiers import (citizen_id_check_char, citizen_id_problem, hash_identifier,
                                         mask_citizen_id, normalise_identifier, uscc_check_char, uscc_problem,
                                         valid_citizen_id, valid_uscc)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check(first17: str) -> str:
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def citizen_id(first17: str) -> str:
    return first17 + id_check(first17)


def uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc(first17: str) -> str:
    return first17 + uscc_check(first17)


# ---- the published examples -------------------------------------------------------------------------

# GB 11643-1999's examples, checked by hand:
# 11010519491231002X: 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167,
#   167 mod 11 = 2 -> "10X98765432"[2] = X.
# 440524188001010014: 4·7+4·9+0·10+5·5+2·8+4·4+1·2+8·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 195,
#   195 mod 11 = 8 -> "10X98765432"[8] = 4.
STANDARD_IDS = ["11010519491231002X", "440524188001010014"]

# 91350100M000100Y43: 9·1+1·3+3·9+5·27+0·19+1·26+0·16+0·17+M(21)·20+0·29+0·25+0·13+1·8+0·24+0·10
#   +Y(30)·30+4·28 = 1640, 1640 mod 31 = 28, 31 - 28 = 3.
PUBLISHED_USCC = "91350100M000100Y43"
# 911100001000069826 does NOT verify: 9·1+1·3+1·9+1·27+0+0+0+0+1·20+0+0+0+0+6·24+9·10+8·30+2·28 = 598,
#   598 mod 31 = 9, 31 - 9 = 22 -> N, not 6. With its check character recomputed it is 91110000100006982N
#   (the USCC check passes; its embedded organisation code 10000698-2 does not follow GB 11714, which
#   this module deliberately does not check).
UNVERIFIED_USCC = "911100001000069826"


@pytest.mark.parametrize("number", STANDARD_IDS)
def test_standard_citizen_id_examples_are_valid(number):
    assert valid_citizen_id(number)
    assert citizen_id_check_char(number[:17]) == number[17] == id_check(number[:17])


def test_published_uscc_is_valid():
    assert valid_uscc(PUBLISHED_USCC)
    assert uscc_check_char(PUBLISHED_USCC[:17]) == "3" == uscc_check(PUBLISHED_USCC[:17])


def test_the_unverified_uscc_has_a_wrong_check_character():
    assert not valid_uscc(UNVERIFIED_USCC)
    assert uscc_check_char(UNVERIFIED_USCC[:17]) == "N"
    assert valid_uscc("91110000100006982N")


def test_the_module_and_the_independent_formulas_agree():
    rng = random.Random(11643)
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert citizen_id_check_char(body) == id_check(body)
        body = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        assert uscc_check_char(body) == uscc_check(body)
    with pytest.raises(ValueError):
        citizen_id_check_char("1234")
    with pytest.raises(ValueError):
        uscc_check_char("9135010OM000100Y4")  # letter O


# ---- citizen ID numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    citizen_id("15010219900101123"),
    citizen_id("15020419850228002"),
    citizen_id("15010220000229004"),   # 29 February of a leap year
    citizen_id("15210219561001031"),
    "11010519491231002x",              # lower-case check character
    " 110105 19491231 002X ",          # spaces
    "\t440524188001010014\n",
])
def test_valid_citizen_ids(number):
    assert valid_citizen_id(number)


@pytest.mark.parametrize("number, issue", [
    ("110105194912310021", "check"),           # the standard's example with a wrong check character
    ("11010519491231002Y", "characters"),
    ("440524188001010015", "check"),
    ("1101051949123100", "length"),
    ("11010519491231002X1", "length"),
    ("110105491231002", "length"),             # an old 15-digit number
    ("", "length"),
    (None, "length"),
    ("1101051949123100AX", "characters"),
    ("11010X19491231002X", "characters"),      # X only as the last character
    ("１１０１０５１９４９１２３１００２Ｘ", "characters"),  # full-width digits are not accepted
    (citizen_id("00000019900101123"), "area"),
    (citizen_id("15010219490231002"), "birth_date"),   # 31 February
    (citizen_id("15010219490229002"), "birth_date"),   # 29 February of a common year
    (citizen_id("15010219901301002"), "birth_date"),   # month 13
    (citizen_id("15010219900100002"), "birth_date"),   # day 0
    (citizen_id("15010217990101002"), "birth_date"),   # before 1800
    (citizen_id("15010299991231002"), "birth_future"),
])
def test_invalid_citizen_ids(app, number, issue):
    assert not valid_citizen_id(number)
    expected = {
        "length": "The citizen ID number must have 18 characters.",
        "characters": "The citizen ID number must be 17 digits followed by a digit or X.",
        "area": "The citizen ID number does not start with a valid area code.",
        "birth_date": "The birth date in the citizen ID number is not a real date.",
        "birth_future": "The birth date in the citizen ID number is in the future.",
        "check": "The check digit of the citizen ID number is wrong.",
    }[issue]
    with force_locale("en"):
        assert citizen_id_problem(number) == expected


def test_birth_date_in_the_future_is_relative_to_today():
    number = citizen_id("15010220300101002")
    assert not valid_citizen_id(number, today=date(2029, 12, 31))
    assert valid_citizen_id(number, today=date(2030, 1, 1))


def test_citizen_id_problem_is_none_when_valid_and_translated_otherwise(app):
    assert citizen_id_problem("11010519491231002X") is None
    with force_locale("zh_CN"):
        message = citizen_id_problem("110105194912310021")
    assert message and isinstance(message, str)


# ---- unified social credit codes --------------------------------------------------------------------

@pytest.mark.parametrize("code", [
    PUBLISHED_USCC,
    "91350100m000100y43",              # lower case
    " 9135 0100 M000 100Y 43 ",        # spaces
    uscc("91150102MA0N4X2K1"),
    uscc("52150000MJ0000001"),         # 民政 / 民办非企业单位
    uscc("12150000011599934"),         # 机构编制 / 事业单位
    uscc("Y1150000MA0000001"),         # 其他
    uscc("N2150000MA0000001"),         # 农业: first two characters are not restricted
    uscc("A1100000MA0000001"),
])
def test_valid_usccs(code):
    assert valid_uscc(code)


def _with_check(first17: str, wrong: bool = False) -> str:
    check = uscc_check(first17)
    if wrong:
        check = USCC_ALPHABET[(USCC_ALPHABET.index(check) + 1) % 31]
    return first17 + check


@pytest.mark.parametrize("code, issue", [
    ("91350100M000100Y44", "check"),
    (_with_check("91150102MA0N4X2K1", wrong=True), "check"),
    (UNVERIFIED_USCC, "check"),
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y433", "length"),
    ("150102000012345", "length"),             # an old 15-digit business registration number
    ("", "length"),
    (None, "length"),
    ("91350100M000100I43", "characters"),
    ("9135010OM000100Y43", "characters"),      # letter O for zero
    ("91350100MZ00100Y43", "characters"),
    ("91350100MS00100Y43", "characters"),
    ("91350100MV00100Y43", "characters"),
    ("91350100M000100Y4Z", "characters"),      # the check character is from the alphabet too
    ("91350100M000100Y4-", "characters"),
    ("９１３５０１００Ｍ０００１００Ｙ４３", "characters"),
])
def test_invalid_usccs(app, code, issue):
    assert not valid_uscc(code)
    expected = {
        "length": "The unified social credit code must have 18 characters.",
        "characters": "The unified social credit code contains a character that is not allowed "
                      "(I, O, Z, S and V are never used).",
        "check": "The check digit of the unified social credit code is wrong.",
    }[issue]
    with force_locale("en"):
        assert uscc_problem(code) == expected


def test_uscc_problem_is_none_when_valid(app):
    assert uscc_problem(PUBLISHED_USCC) is None
    assert uscc_problem(" 91350100m000100y43 ") is None


def test_every_single_character_change_is_caught():
    """A mod-31 check catches every substitution of one character."""
    for i in range(18):
        for c in USCC_ALPHABET:
            if c != PUBLISHED_USCC[i]:
                assert not valid_uscc(PUBLISHED_USCC[:i] + c + PUBLISHED_USCC[i + 1:])


def test_every_uscc_the_demo_generates_is_valid():
    from portal.demo import _table, content
    from portal.demo import geo
    from portal.demo.files import make_uscc

    # The codes in the demo files, generated with the demo's own seeds.
    seen = 0
    tables: dict = {}
    for entry in content.ENTRIES:
        for res in entry.resources:
            if res.fmt in ("API", "PDF") or not (res.table or entry.table):
                continue
            name, params = res.table or entry.table
            table = _table(name, params, entry.slug, tables)
            for column in table.header:
                if "统一社会信用代码" in column:
                    for record in table.records():
                        assert valid_uscc(record[column]), (entry.slug, record[column])
                        seen += 1
    assert seen > 100
    # And many more from the generator, for every registration department and kind it uses.
    rng = random.Random(32100)
    divisions = [geo.REGION_CODE, *geo.CITY_CODES.values()]
    for dept, kind in [("9", "1"), ("9", "2"), ("9", "3"), ("5", "1"), ("5", "2"), ("5", "3")]:
        for _ in range(500):
            assert valid_uscc(make_uscc(rng, rng.choice(divisions), dept, kind))


# ---- masking, hashing, normalising ------------------------------------------------------------------

def test_mask_citizen_id_hides_area_and_birth_date():
    assert mask_citizen_id("15010219850315123X") == "15**************3X"
    assert mask_citizen_id("11010519491231002x") == "11**************2X"
    assert mask_citizen_id(" 440524 188001010014 ") == "44**************14"
    assert len(mask_citizen_id("11010519491231002X")) == 18
    # neither the area code (6 digits) nor any digit of the birth date (8) nor the sequence number shows
    masked = mask_citizen_id("15010219850315123X")
    assert masked[2:16] == "*" * 14
    assert mask_citizen_id("12345678") == "********"  # too short to show any part
    assert mask_citizen_id("") == ""
    assert mask_citizen_id(None) == ""


def test_hash_identifier():
    digest = hash_identifier("11010519491231002X", "secret")
    assert digest == hmac.new(b"secret", b"11010519491231002X", hashlib.sha256).hexdigest()
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    assert hash_identifier(" 110105 19491231 002x", "secret") == digest
    assert hash_identifier("11010519491231002X", "other secret") != digest
    assert hash_identifier("440524188001010014", "secret") != digest
    assert hash_identifier("91350100m000100y43", "k") == hash_identifier("91350100M000100Y43", "k")
    with pytest.raises(ValueError):
        hash_identifier("11010519491231002X", "")


def test_normalise_identifier():
    assert normalise_identifier(" 9135 0100m000100y43\t") == "91350100M000100Y43"
    assert normalise_identifier("11010519491231002x") == "11010519491231002X"
    assert normalise_identifier(None) == ""

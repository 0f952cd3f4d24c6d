"""Small builders for catalog rows and data users in service and HTTP tests."""
from __future__ import annotations

import io
import itertools
from datetime import date, datetime, timedelta

from flask import current_app

from portal.accounts.identifiers import citizen_id_check_char, hash_identifier, mask_citizen_id, uscc_check_char
from portal.accounts.models import Consent, Role, User, UserKind
from portal.accounts.services import hash_password
from portal.agencies.models import Agency, RegionLevel
from portal.catalog import indexing
from portal.catalog.files import add_file_resource
from portal.catalog.models import DataItem, Dataset, DatasetState, OpenType, Tag, Theme
from portal.extensions import db
from portal.models_base import utcnow

_seq = itertools.count(1)


def agency(name: str = "呼和浩特市生态环境局", slug: str | None = None, region: str = "呼和浩特市",
           level: str = RegionLevel.CITY) -> Agency:
    found = db.session.query(Agency).filter_by(name=name).first()
    if found:
        return found
    a = Agency(slug=slug or f"agency-{next(_seq)}", name=name, level=level, region=region, description="")
    db.session.add(a)
    return a


def theme(name: str = "资源环境", slug: str | None = None) -> Theme:
    found = db.session.query(Theme).filter_by(name=name).first()
    if found:
        return found
    t = Theme(slug=slug or f"theme-{next(_seq)}", name=name)
    db.session.add(t)
    return t


def dataset(title: str = "呼和浩特市空气质量监测数据", *, summary: str = "全市空气质量监测站点的小时数据。",
            open_type: str = OpenType.UNCONDITIONAL, state: str = DatasetState.PUBLISHED,
            agency_obj: Agency | None = None, theme_obj: Theme | None = None, tags: tuple[str, ...] = (),
            items: tuple[str, ...] = (), update_frequency: str = "monthly",
            data_updated_at: datetime | None = None, index: bool = True, **fields) -> Dataset:
    n = next(_seq)
    a = agency_obj or agency()
    ds = Dataset(slug=fields.pop("slug", f"ds-{n}"), code=fields.pop("code", f"15000000000/{n:05d}"), title=title,
                 summary=summary, agency=a, theme=theme_obj or theme(), region=a.region, region_level=a.level,
                 open_type=open_type, state=state, update_frequency=update_frequency,
                 published_at=datetime(2026, 1, 5) if state == DatasetState.PUBLISHED else None,
                 data_updated_at=data_updated_at or datetime.utcnow(), **fields)
    if open_type != OpenType.UNCONDITIONAL:
        ds.open_reason = ds.open_reason or "涉及个人信息"
        ds.open_legal_basis = ds.open_legal_basis or "《中华人民共和国个人信息保护法》第十三条"
        if open_type == OpenType.CONDITIONAL:
            ds.open_conditions = ds.open_conditions or "仅向具备数据安全保障能力的法人提供"
    for tag_name in tags:
        tag = db.session.query(Tag).filter_by(name=tag_name).first() or Tag(name=tag_name)
        ds.tags.append(tag)
    for pos, item in enumerate(items):
        ds.items.append(DataItem(position=pos, name=item, type="字符型"))
    db.session.add(ds)
    db.session.commit()
    if index:
        indexing.index_datasets([ds])
    return ds


def csv_resource(ds: Dataset, content: str = "站点,AQI\n新华广场,56\n", filename: str = "空气质量.csv",
                 encoding: str = "utf-8", fmt: str = "CSV"):
    res = add_file_resource(ds, io.BytesIO(content.encode(encoding)), name=filename.rsplit(".", 1)[0],
                            filename=filename, fmt=fmt)
    db.session.commit()
    indexing.index_datasets([ds])
    return res


def citizen_id() -> str:
    """A fresh, well-formed 公民身份号码 (valid check character), different on every call."""
    n = next(_seq)
    body = f"110105{(date(1980, 1, 1) + timedelta(days=n // 1000)):%Y%m%d}{n % 1000:03d}"
    return body + citizen_id_check_char(body)


def uscc() -> str:
    """A fresh, well-formed 统一社会信用代码."""
    body = f"91150100MA{next(_seq):07d}"
    return body + uscc_check_char(body)


def data_user(email: str, name: str = "数据用户", *, kind: str = UserKind.PERSON, confirmed: bool = True,
              days_old: int = 30, identity: str | None = None, password: str | None = None) -> User:
    """A data user as registration makes one: a person with a citizen ID number (or an organisation with a
    credit code), by default with a confirmed e-mail address and registered a month ago (an established,
    verified complainant). `identity=""` leaves the number out (an account from before it was required)."""
    from tests.conftest import PASSWORD

    since = utcnow() - timedelta(days=days_old)
    user = User(email=email, name=name, role=Role.DATA_USER, kind=kind,
                password_hash=hash_password(password or PASSWORD), created_at=since,
                email_confirmed_at=since if confirmed else None)
    if kind == UserKind.PERSON:
        number = citizen_id() if identity is None else identity
        if number:
            user.citizen_id_hash = hash_identifier(number, current_app.config["IDENTIFIER_KEY"])
            user.citizen_id_masked = mask_citizen_id(number)
    else:
        user.uscc = uscc() if identity is None else identity
    db.session.add(user)
    db.session.flush()
    # registration records consent to the privacy policy's current version (accounts.consent)
    db.session.add(Consent(user_id=user.id, policy_version=current_app.config["PRIVACY_POLICY_VERSION"],
                           context="registration", agreed_at=since))
    db.session.commit()
    return user


AGENCY_CHECK_NOTE = "已按保密和政务公开规定审查，不涉及国家秘密、商业秘密和个人信息。"


def agency_checks(ds: Dataset, user: User, on: date | None = None) -> None:
    """The agency's 保密审查 and 公开审查 of what it is about to submit (catalog.checks), recorded by `user`."""
    from portal.catalog import checks

    for name in checks.AGENCY_CHECKS:
        checks.record(ds, name, {"reviewed_on": (on or checks.today()).isoformat(), "note": AGENCY_CHECK_NOTE}, user)


def post_agency_checks(client, dataset_id: str, on: date | None = None, names=("confidentiality", "disclosure")):
    """The same through the console's form, as the logged-in officer; returns the responses."""
    from portal.catalog import checks
    from tests.conftest import post_form

    day = (on or checks.today()).isoformat()
    return [post_form(client, f"/console/datasets/{dataset_id}/checks/{name}",
                      {"reviewed_on": day, "note": AGENCY_CHECK_NOTE}) for name in names]

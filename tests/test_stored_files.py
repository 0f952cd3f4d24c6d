"""One owner for stored files (portal.storage.files): the same bytes can belong to a resource, a version,
an application, a complaint, a correction and a report at once; a request that fails after storing them
never takes them from the others. `flask portal storage check` lists orphans and missing bytes."""
from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.audit import services as audit_services
from portal.audit.models import AuditEvent
from portal.catalog.models import OpenType, Resource, ResourceKind
from portal.config import drop_test_schema
from portal.extensions import db
from portal.feedback.models import Attachment
from portal.opening.models import Application, ApplicationAttachment
from portal.storage import files as stored_files
from portal.storage import storage
from tests import factories as f
from tests.catalog.test_console import put_file
from tests.conftest import PASSWORD, build_app, login, post_form
from tests.feedback.helpers import complain, complaint_id, post_from
from tests.opening.test_applications import form_data

ITEMS = ("排污单位名称", "监测因子", "排放浓度")
_seq = itertools.count(1)


def pdf(label: str = "") -> bytes:
    """A small PDF no other test stores (every kind of stored file accepts PDF)."""
    return b"%PDF-1.4\n%" + (label or uuid.uuid4().hex).encode() + b"\n" + b"0" * 64 + b"\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def failing_after_store(monkeypatch):
    """Every audit event fails while active: each kind of request has stored its files by then and fails
    before its commit (the error page answers 500)."""
    def boom(*args, **kwargs):
        raise RuntimeError("injected failure after the files were stored")

    with monkeypatch.context() as m:
        m.setattr(audit_services, "record", boom)
        yield


# ---- the kinds of stored files, each stored through HTTP as people do ------------------------------
@dataclass
class Held:
    """Bytes a kind of record holds, and where they are downloaded (by whom)."""

    client: object
    url: str


def _entry(open_type: str = OpenType.UNCONDITIONAL, with_file: bool = True):
    n = next(_seq)
    ds = f.dataset(f"呼和浩特市监测数据{n}", open_type=open_type, slug=f"files-{n}", code=f"15000000099/{n:05d}",
                   items=ITEMS if open_type == OpenType.CONDITIONAL else ())
    if with_file:
        f.csv_resource(ds, f"站点,AQI\n新华广场,{n}\n", filename=f"监测{n}.csv")
    return ds


class Kind:
    """`prepare` does what comes before the upload (never failing); `send` uploads `data` in one request."""

    name = ""

    def prepare(self, c):
        return None

    def send(self, c, state, data: bytes):
        raise NotImplementedError

    def held(self, c, state, response) -> Held:
        raise NotImplementedError


class ResourceFile(Kind):
    name = "resource"

    def prepare(self, c):
        return _entry(with_file=False)

    def send(self, c, ds, data):
        return put_file(c.staff, ds, data, filename="监测报告.pdf", fmt="PDF")

    def held(self, c, ds, r):
        assert r.status_code == 201, r.get_data(as_text=True)[-2000:]
        return Held(c.visitor, f"/dataset/{ds.slug}/resource/{r.get_json()['resource']}/download")


class OlderVersion(Kind):
    """The bytes of version 1 of a resource whose current file (version 2) is another."""

    name = "version"

    def prepare(self, c):
        ds = _entry(with_file=False)
        r = put_file(c.staff, ds, pdf(), filename="监测报告.pdf", fmt="PDF")
        assert r.status_code == 201
        return ds, r.get_json()["resource"]

    def send(self, c, state, data):
        ds, rid = state
        return put_file(c.staff, ds, data, filename="监测报告（修订）.pdf", fmt="PDF", resource=rid)

    def held(self, c, state, r):
        ds, rid = state
        assert r.status_code == 201, r.get_data(as_text=True)[-2000:]
        assert put_file(c.staff, ds, pdf(), filename="监测报告（第三版）.pdf", fmt="PDF", resource=rid).status_code == 201
        return Held(c.staff, f"/console/datasets/{ds.id}/resources/{rid}/versions/2/download")


def _application_attachment(c, ds, data) -> Held:
    app_ = db.session.scalars(select(Application).where(Application.dataset_id == ds.id)).one()
    att = db.session.scalars(select(ApplicationAttachment).where(
        ApplicationAttachment.application_id == app_.id, ApplicationAttachment.storage_key == sha(data))).one()
    return Held(c.user, f"/applications/{app_.id}/attachments/{att.id}")


class ApplicationProof(Kind):
    name = "application"

    def prepare(self, c):
        return _entry(OpenType.CONDITIONAL, with_file=False)

    def send(self, c, ds, data):
        self.data = data
        return post_form(c.user, f"/dataset/{ds.slug}/apply",
                         form_data(attachments=(io.BytesIO(data), "能力证明.pdf")), content_type="multipart/form-data")

    def held(self, c, ds, r):
        assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
        return _application_attachment(c, ds, self.data)


class AnswerAttachment(Kind):
    """A file sent with the applicant's answer to the agency's question."""

    name = "answer"

    def prepare(self, c):
        ds = _entry(OpenType.CONDITIONAL, with_file=False)
        assert post_form(c.user, f"/dataset/{ds.slug}/apply", form_data()).status_code == 302
        app_id = db.session.scalars(select(Application.id).where(Application.dataset_id == ds.id)).one()
        r = post_from(c.staff, f"/applications/{app_id}", f"/applications/{app_id}/decide",
                      {"action": "request_info", "question": "请补充等级保护测评证明"})
        assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
        return ds, app_id

    def send(self, c, state, data):
        self.data = data
        _ds, app_id = state
        return post_from(c.user, f"/applications/{app_id}", f"/applications/{app_id}/answer",
                         {"answer": "已补充测评报告。", "attachments": (io.BytesIO(data), "测评报告.pdf")},
                         content_type="multipart/form-data")

    def held(self, c, state, r):
        assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
        return _application_attachment(c, state[0], self.data)


def _feedback_attachment(owner_type: str, owner_id: int, data: bytes) -> int:
    return db.session.scalars(select(Attachment.id).where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id,
        Attachment.storage_key == sha(data))).one()


class ComplaintEvidence(Kind):
    name = "complaint"

    def prepare(self, c):
        return _entry()

    def send(self, c, ds, data):
        self.data = data
        return complain(c.user, ds, files=[(io.BytesIO(data), "身份证明.pdf")])

    def held(self, c, ds, r):
        cid = complaint_id(r)
        return Held(c.staff, f"/complaints/{cid}/evidence/{_feedback_attachment('complaint', cid, self.data)}")


class CorrectionAttachment(Kind):
    name = "correction"

    def prepare(self, c):
        return _entry()

    def send(self, c, ds, data):
        self.data = data
        form = {"resource": ds.resources[0].id, "location": "第2行“AQI”", "description": "AQI 应为 48。",
                "attachment": (io.BytesIO(data), "截图.pdf")}
        return post_form(c.user, f"/dataset/{ds.slug}/corrections/new", form, content_type="multipart/form-data")

    def held(self, c, ds, r):
        assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
        cid = int(re.search(r"/corrections/(\d+)", r.headers["Location"]).group(1))
        return Held(c.staff, f"/corrections/{cid}/attachment/{_feedback_attachment('correction', cid, self.data)}")


class ReportEvidence(Kind):
    name = "report"

    def prepare(self, c):
        return _entry()

    def send(self, c, ds, data):
        self.data = data
        form = {"dataset": ds.slug, "accused": "某数据公司", "description": "将平台数据打包出售。",
                "evidence": (io.BytesIO(data), "截图.pdf")}
        return post_form(c.user, f"/reports/new?dataset={ds.slug}", form, content_type="multipart/form-data")

    def held(self, c, ds, r):
        assert r.status_code == 302, r.get_data(as_text=True)[-2000:]
        rid = int(re.search(r"/reports/(\d+)", r.headers["Location"]).group(1))
        return Held(c.staff, f"/reports/{rid}/evidence/{_feedback_attachment('report', rid, self.data)}")


KINDS = {k.name: k for k in (ResourceFile, OlderVersion, ApplicationProof, AnswerAttachment, ComplaintEvidence,
                             CorrectionAttachment, ReportEvidence)}
# The columns that name the bytes each kind holds.
COLUMNS = {"resource": {"resources.storage_key", "resource_versions.storage_key"},
           "version": {"resource_versions.storage_key"},
           "application": {"application_attachments.storage_key"},
           "answer": {"application_attachments.storage_key"},
           "complaint": {"feedback_attachments.storage_key"},
           "correction": {"feedback_attachments.storage_key"},
           "report": {"feedback_attachments.storage_key"}}


def hold(c, kind: str, data: bytes) -> Held:
    """Store `data` as a record of `kind` that succeeds; returns where it is downloaded."""
    k = KINDS[kind]()
    state = k.prepare(c)
    return k.held(c, state, k.send(c, state, data))


def fail(c, kind: str, data: bytes, monkeypatch) -> None:
    """Send `data` as a record of `kind` whose request fails after the file is stored."""
    k = KINDS[kind]()
    state = k.prepare(c)
    with failing_after_store(monkeypatch):
        r = k.send(c, state, data)
    assert r.status_code == 500, r.get_data(as_text=True)[-2000:]


def assert_downloadable(held: Held, data: bytes) -> None:
    r = held.client.get(held.url)
    assert r.status_code == 200, (held.url, r.status_code)
    assert r.data == data


class Clients:
    def __init__(self, app):
        self.visitor, self.user, self.staff = app.test_client(), app.test_client(), app.test_client()
        login(self.user, "user@example.cn")
        login(self.staff, "staff@example.cn")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One portal for the pairs: every test stores bytes of its own, in entries of its own."""
    from portal.accounts.services import create_staff_user

    app = build_app(tmp_path_factory.mktemp("stored-files"))
    with app.app_context():
        agency = f.agency("呼和浩特市生态环境局", slug="hhht-sthjj")
        db.session.commit()
        f.data_user("user@example.cn", "数据用户")  # verified: complaints need a confirmed e-mail and an ID number
        db.session.commit()
        create_staff_user("staff@example.cn", "环境局经办人", PASSWORD, "agency_staff", agency.slug)
        db.session.remove()
    app.clients = Clients(app)
    yield app
    with app.app_context():
        db.engine.dispose()
    drop_test_schema(app.config)


@pytest.fixture()
def c(site):
    with site.app_context():
        yield site.clients
        db.session.remove()


# ---- the reported case ----------------------------------------------------------------------------
@pytest.mark.parametrize("failure", ["invalid form", "error while saving"])
def test_a_failed_complaint_leaves_an_applications_proof_with_the_same_bytes(app, users, monkeypatch, failure):
    """An application's proof and a complaint's evidence are the same PDF; the complaint stores its
    evidence and then fails. The application's attachment must still be there."""
    proof = pdf("资质证明")
    conditional = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, items=ITEMS, slug="paiwu")
    opened = f.dataset("呼和浩特市空气质量监测数据", slug="hhht-air")
    f.csv_resource(opened, "站点,AQI\n新华广场,56\n")
    user, staff = app.test_client(), app.test_client()
    login(user, "user@example.cn")
    login(staff, "staff@example.cn")
    r = post_form(user, f"/dataset/{conditional.slug}/apply",
                  form_data(attachments=(io.BytesIO(proof), "资质证明.pdf")), content_type="multipart/form-data")
    assert r.status_code == 302
    att = db.session.scalars(select(ApplicationAttachment)).one()
    url = f"/applications/{att.application_id}/attachments/{att.id}"
    assert staff.get(url).data == proof

    if failure == "invalid form":  # the evidence is stored, then the missing description refuses the complaint
        r = complain(user, opened, files=[(io.BytesIO(proof), "身份证明.pdf")], description="")
        assert r.status_code == 422
    else:
        with failing_after_store(monkeypatch):
            r = complain(user, opened, files=[(io.BytesIO(proof), "身份证明.pdf")])
        assert r.status_code == 500
    assert db.session.scalar(select(db.func.count(Attachment.id))) == 0  # the complaint left nothing

    got = staff.get(url)
    assert got.status_code == 200 and got.data == proof
    assert storage().exists(sha(proof))


# ---- every pair of kinds ------------------------------------------------------------------------------
@pytest.mark.parametrize("holder,failer", list(itertools.product(KINDS, KINDS)))
def test_a_failed_upload_never_takes_the_same_bytes_from_another_record(c, monkeypatch, holder, failer):
    data = pdf()
    held = hold(c, holder, data)
    assert_downloadable(held, data)
    fail(c, failer, data, monkeypatch)
    assert_downloadable(held, data)
    assert stored_files.referencing([sha(data)]) == {sha(data): COLUMNS[holder]}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_record_is_a_reference_to_its_bytes(c, kind):
    """Through the registry only: missing bytes are reported with the column naming them, and bytes stored
    again in this session are not discarded while the record names them."""
    from portal.backup.services import referenced_files

    data = pdf()
    held = hold(c, kind, data)
    key = sha(data)
    assert key in referenced_files()  # backups carry every kind of stored file
    os.remove(storage().path(key))
    assert stored_files.check().missing == {key: sorted(COLUMNS[kind])}
    stored = stored_files.save(io.BytesIO(data))  # the repair: this session stores the bytes anew
    assert stored.created
    assert stored_files.discard([key]) == []
    assert_downloadable(held, data)
    assert key not in stored_files.check().missing


def test_a_failed_upload_still_removes_bytes_only_it_stored(c, monkeypatch):
    """Nothing else holds the bytes: the failed request leaves no file behind."""
    for kind in KINDS:
        data = pdf()
        fail(c, kind, data, monkeypatch)
        assert not storage().exists(sha(data)), kind


# ---- the owner's rules, directly ----------------------------------------------------------------------
def test_discard_removes_bytes_this_session_stored_and_nothing_names(app):
    mine = stored_files.save(io.BytesIO(b"new bytes"))
    assert mine.created
    assert stored_files.discard([mine.key]) == [mine.key]
    assert not storage().exists(mine.key)
    # stored before this session saved them (by whom, it cannot tell): they stay, for `storage check`
    storage().save(io.BytesIO(b"older bytes"))
    again = stored_files.save(io.BytesIO(b"older bytes"))
    assert not again.created
    assert stored_files.discard([again.key]) == []
    assert storage().exists(again.key)
    # keys this session never stored are not its to discard
    other = storage().save(io.BytesIO(b"someone else's bytes"))
    assert stored_files.discard([other.key]) == [] and storage().exists(other.key)


def test_a_row_pending_in_the_session_keeps_the_bytes_until_the_rollback(app):
    ds = f.dataset()
    stored = stored_files.save(io.BytesIO(b"%PDF-1.4 pending"))
    db.session.add(Resource(dataset=ds, kind=ResourceKind.FILE, name="待提交", format="PDF", storage_key=stored.key))
    assert stored_files.referencing([stored.key]) == {stored.key: {"resources.storage_key"}}
    assert stored_files.discard([stored.key]) == []
    assert storage().exists(stored.key)
    db.session.rollback()
    assert stored_files.discard([stored.key]) == [stored.key]
    assert not storage().exists(stored.key)


def test_bytes_saved_again_by_another_request_stay(app):
    """Two uploads of the same new bytes: the first stored them and fails after the second has saved them
    too, before the second commits its row. The first must not remove the second's file."""
    first = stored_files.save(io.BytesIO(b"twice"))
    with app.app_context():  # another request: its own session
        second = stored_files.save(io.BytesIO(b"twice"))
        assert not second.created
    assert first.created and first.stamp != second.stamp
    assert stored_files.discard([first.key]) == []
    assert storage().exists(first.key)


def test_every_column_holding_storage_keys_is_registered(app):
    """A new kind of stored file must register its column, or a failed upload could delete its bytes."""
    columns = {f"{m.class_.__tablename__}.{a.key}" for m in db.Model.registry.mappers for a in m.column_attrs
               if a.key == "storage_key"}
    assert columns and columns <= set(stored_files.references())
    assert "quarantined_files.sha256" in stored_files.references()  # withdrawn bytes are kept for audit


def test_only_the_storage_owner_saves_and_deletes_bytes():
    root = Path(__file__).resolve().parent.parent / "portal"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "storage" not in p.relative_to(root).parts[:1]
                 and re.search(r"storage\(\)\s*\.\s*(save|delete)\(|extensions\[\"storage\"\]\s*\.\s*(save|delete)\(",
                               p.read_text(encoding="utf-8"))]
    assert offenders == []


# ---- flask portal storage check ------------------------------------------------------------------------
def _inconsistent():
    """A resource whose bytes are there, one whose bytes are gone, and bytes nothing names."""
    ds = f.dataset()
    kept = f.csv_resource(ds, "站点,AQI\n新华广场,56\n", filename="在.csv")
    lost = f.csv_resource(ds, "站点,AQI\n如意河,48\n", filename="丢.csv")
    os.remove(storage().path(lost.storage_key))
    orphan = storage().save(io.BytesIO(b"nothing refers to these bytes"))
    return kept.storage_key, lost.storage_key, orphan.key


def test_storage_check_lists_orphans_and_missing_bytes(app):
    kept, lost, orphan = _inconsistent()
    result = app.test_cli_runner().invoke(args=["portal", "storage", "check"])
    assert result.exit_code == 1
    out = result.output
    assert "Stored files: 2; keys referred to: 2." in out
    assert "Orphans (stored, nothing refers to them): 1 (29 bytes)." in out and orphan in out
    assert "Missing (referred to, not stored): 1." in out
    assert f"{lost}  named by resource_versions.storage_key, resources.storage_key" in out
    assert kept not in out
    assert "1 referred-to files are missing" in out
    assert storage().exists(orphan)  # listing never removes


def test_storage_check_passes_when_every_reference_has_its_bytes(app):
    f.csv_resource(f.dataset())
    result = app.test_cli_runner().invoke(args=["portal", "storage", "check", "--clean"])
    assert result.exit_code == 0, result.output
    assert "Orphans (stored, nothing refers to them): 0 (0 bytes)." in result.output
    assert "Missing (referred to, not stored): 0." in result.output


def test_storage_check_clean_asks_then_removes_only_orphans(app):
    kept, lost, orphan = _inconsistent()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "storage", "check", "--clean", "--min-age", "0"], input="n\n")
    assert "Remove 1 orphaned files (29 bytes)? [y/N]" in result.output and "Nothing removed." in result.output
    assert storage().exists(orphan)
    result = runner.invoke(args=["portal", "storage", "check", "--clean", "--min-age", "0"], input="y\n")
    assert "Removed 1 orphaned files (29 bytes)." in result.output
    assert result.exit_code == 1  # the missing bytes are still missing
    assert not storage().exists(orphan) and storage().exists(kept)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "system.storage_clean")).one()
    assert event.details == {"removed": 1, "bytes": 29, "kept": 0}


def test_storage_check_clean_keeps_young_orphans_unless_told(app):
    """An upload stores its bytes before it commits its row: a fresh orphan may be one, so it stays."""
    orphan = storage().save(io.BytesIO(b"an upload in progress"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "storage", "check", "--clean", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Keeping 1 orphans saved in the last 60 minutes" in result.output and "No orphan to remove." in result.output
    assert storage().exists(orphan.key)
    result = runner.invoke(args=["portal", "storage", "check", "--clean", "--yes", "--min-age", "0"])
    assert "Removed 1 orphaned files" in result.output and not storage().exists(orphan.key)


def test_storage_clean_rereads_references_before_removing(app):
    """A row committed between the listing and the removal keeps its bytes."""
    ds = f.dataset()
    stored = storage().save(io.BytesIO(b"%PDF-1.4 late row"))
    assert [o.key for o in stored_files.check().orphans] == [stored.key]
    db.session.add(Resource(dataset=ds, kind=ResourceKind.FILE, name="迟到", format="PDF", storage_key=stored.key))
    db.session.commit()
    removed, kept = stored_files.remove_orphans([stored.key], older_than=0)
    assert (removed, kept) == ([], [stored.key]) and storage().exists(stored.key)

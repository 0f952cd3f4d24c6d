"""Demo applications for conditional entries, one in each interesting state, by the demo data users."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import workdays
from ..accounts.models import User
from ..audit import services as audit
from ..catalog.models import Dataset
from ..extensions import db
from ..models_base import utcnow
from ..opening.models import Application, ApplicationEvent, Grant, UsageReport

SECURITY = "数据存放于单位内网服务器，设专人管理，访问全程留痕，使用期满后删除并出具销毁说明。"
# (user e-mail, entry slug, state, scenario, records)
DEMO_APPLICATIONS = (
    ("company@demo.nmg.example", "nmg-pollutant-online-monitoring", "approved",
     "为银行绿色信贷审查提供企业环保合规风险评分。", "2025年以来全区重点排污单位日均值"),
    ("company@demo.nmg.example", "nmg-highway-traffic-flow", "submitted",
     "物流企业优化干线运输排班与路线规划。", "2024—2025年主要收费站小时流量"),
    ("company@demo.nmg.example", "nmg-energy-consumption", "draft",
     "编制区域工业节能潜力分析报告。", "2025年度数据"),
    ("citizen@demo.nmg.example", "nmg-credit-evaluation", "refused",
     "个人研究企业信用状况。", "全部企业"),
    ("citizen@demo.nmg.example", "nmg-hospital-service-volume", "info_requested",
     "硕士学位论文研究医疗资源利用效率。", "2023—2025年各医院门诊、住院人次"),
)


def load_demo_applications() -> int:
    """Create the demo applications once (skipped when the demo users already have some)."""
    users = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_({a[0] for a in DEMO_APPLICATIONS})))}
    if len(users) < 2 or db.session.scalar(select(Application.id).where(
            Application.applicant_id.in_([u.id for u in users.values()])).limit(1)):
        return 0
    now = utcnow()
    made = 0
    for email, slug, state, scenario, records in DEMO_APPLICATIONS:
        ds = db.session.scalar(select(Dataset).where(Dataset.slug == slug))
        if ds is None:
            continue
        # the approved one has run for a quarter already, so its first usage report is on file
        submitted = now - timedelta(days=100 if state == "approved" else 4)
        app_ = Application(dataset=ds, agency_id=ds.agency_id, applicant_id=users[email].id, state=state,
                           scenario=scenario, items=[i.name for i in ds.items[:3]], records_scope=records,
                           provision_methods=["download", "api"] if state == "approved" else ["download"],
                           period_start=workdays.china_date(submitted) + timedelta(days=5),
                           period_end=workdays.china_date(submitted) + timedelta(days=185),
                           security_measures=SECURITY, commit_truth=True, commit_compliance=True,
                           commit_security=True, created_at=submitted - timedelta(hours=2))
        db.session.add(app_)
        app_.events.append(ApplicationEvent(kind="created", at=app_.created_at, actor_id=users[email].id))
        if state != "draft":
            app_.submitted_at = app_.clock_started_at = submitted
            app_.due_date = workdays.add_workdays(submitted, 10)
            app_.events.append(ApplicationEvent(kind="submitted", at=submitted, actor_id=users[email].id,
                                                note=f"答复期限：{app_.due_date.isoformat()}。"))
        decided = submitted + timedelta(days=5) if state == "approved" else now - timedelta(days=1)
        if state == "approved":
            app_.decided_at, app_.permitted_purpose = decided, "仅用于绿色信贷审查中的企业环保合规评分"
            app_.permitted_scope = "所列信息项；2025年以来的日均值；不得向第三方提供原始数据"
            app_.events.append(ApplicationEvent(kind="approved", at=decided, note=app_.permitted_purpose))
            grant = Grant(application=app_, dataset_id=ds.id, user_id=users[email].id,
                          purpose=app_.permitted_purpose, scope=app_.permitted_scope, items=list(app_.items),
                          resource_ids=[], provision_methods=list(app_.provision_methods),
                          start=app_.period_start, end=app_.period_end, report_every_days=90,
                          created_at=decided)
            grant.reports.append(UsageReport(due_date=grant.start + timedelta(days=90), filed_at=now - timedelta(days=3),
                                             filed_by_id=users[email].id,
                                             text="已用于12家企业的信贷审查评分，未向第三方提供，未发生安全事件。"))
            db.session.add(grant)
        elif state == "refused":
            app_.decided_at = decided
            app_.refusal_reason = "申请用途不明确，且自然人申请不符合本目录“仅向具备数据安全保障能力的法人提供”的开放条件"
            app_.refusal_legal_basis = "《内蒙古自治区公共数据管理暂行办法》第二十八条"
            app_.events.append(ApplicationEvent(kind="refused", at=decided, note=app_.refusal_reason))
        elif state == "info_requested":  # the clock runs on while the applicant answers (docs/decisions.md)
            app_.events.append(ApplicationEvent(kind="info_requested", at=decided,
                                                note="请补充学校出具的研究证明及导师签字的数据安全承诺。"))
        db.session.flush()
        audit.record("demo", f"application.{'submit' if state == 'submitted' else state}", "application",
                     str(app_.id), details={"demo": True})
        made += 1
    return made

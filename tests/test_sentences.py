"""One helper joins sentences: each part ends with exactly one stop, in the page's language."""
from __future__ import annotations

import pytest
from markupsafe import Markup

from portal.sentences import join, sentence


@pytest.mark.parametrize("parts, chinese, joined", [
    (("理由：涉及个人隐私。", "依据：《个人信息保护法》第十三条"), True, "理由：涉及个人隐私。依据：《个人信息保护法》第十三条。"),
    (("理由：涉及个人隐私", "依据：第十三条。"), True, "理由：涉及个人隐私。依据：第十三条。"),
    (("理由：是否涉及隐私？", "依据：见“第十三条。”"), True, "理由：是否涉及隐私？依据：见“第十三条。”"),
    (("理由：涉及个人隐私；", "依据：第十三条，  "), True, "理由：涉及个人隐私。依据：第十三条。"),
    (("", None, "  ", "依据：第十三条"), True, "依据：第十三条。"),
    (("Reason: personal data.", "Legal basis: PIPL art. 13"), False,
     "Reason: personal data. Legal basis: PIPL art. 13."),
    (("理由：不符。", "Legal basis: PIPL art. 13"), False, "理由：不符。 Legal basis: PIPL art. 13."),
    (("依据：PIPL art. 13.", "办理依据：第二十八条"), True, "依据：PIPL art. 13. 办理依据：第二十八条。"),
])
def test_join_ends_each_sentence_with_exactly_one_stop(parts, chinese, joined):
    assert join(*parts, chinese=chinese) == joined
    assert "。。" not in joined and ".." not in joined


def test_join_keeps_markup_and_escapes_plain_text():
    out = join(Markup('依据<a href="/legal">第二十八条</a>'), "理由：<b>", chinese=True)
    assert isinstance(out, Markup)
    assert out == Markup('依据<a href="/legal">第二十八条</a>。理由：&lt;b&gt;。')
    assert sentence("", chinese=True) == "" and sentence("。", chinese=True) == "。"


def test_a_refusal_reads_with_one_stop_after_each_part(app, users):
    """The applicant's timeline and notice: 理由 and 依据 each end with one 。, whatever the agency typed."""
    from portal.catalog.models import OpenType
    from portal.extensions import db
    from portal.inbox.models import Message
    from portal.opening import decisions
    from portal.opening.models import Application
    from tests import factories as f

    ds = f.dataset("重点排污单位自动监测数据", open_type=OpenType.CONDITIONAL, items=("排污单位名称",),
                   agency_obj=f.agency("呼和浩特市生态环境局"))
    for reason, basis in (("申请用途超出开放条件。", "《中华人民共和国个人信息保护法》第十三条。"),
                          ("申请用途超出开放条件", "《中华人民共和国个人信息保护法》第十三条")):
        app_ = Application(dataset=ds, applicant=users["data_user"], agency_id=ds.agency_id, state="submitted")
        db.session.add(app_)
        db.session.commit()
        decisions.refuse(app_, users["agency_staff"], reason, basis)
        note = app_.events[-1].note
        assert note == "理由：申请用途超出开放条件。依据：《中华人民共和国个人信息保护法》第十三条。"
    bodies = [m.body for m in db.session.scalars(db.select(Message).where(Message.kind == "application.refused"))]
    assert len(bodies) == 2 and all("。。" not in b for b in bodies)

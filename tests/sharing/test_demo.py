"""Step 5: the demo holds share requests in several states between the demo agencies, made through the
services (timelines, grants, audit events), the same on every load."""
from __future__ import annotations

from portal.demo.accounts import DEMO_PASSWORD
from portal.extensions import db
from portal.sharing.models import ShareRequest
from tests.conftest import login


def test_demo_share_requests(demo_client):
    """The demo cases: granted, awaiting an answer, delivered, refused (with basis), draft; officers named."""
    rows = db.session.scalars(db.select(ShareRequest).order_by(ShareRequest.id)).all()
    assert [(r.requester.slug, r.dataset.slug, r.state) for r in rows] == [
        ("hhht-jtysj", "nmg-water-quality", "granted"),
        ("hhht-jtysj", "nmg-pollutant-online-monitoring", "submitted"),
        ("hhht-sthjj", "nmg-pollutant-online-monitoring", "delivered"),
        ("nmg-sthjt", "hhht-bus-passenger-flow", "refused"),
        ("hhht-sthjj", "hhht-bus-passenger-flow", "draft"),
    ]
    assert rows[2].grant.items == rows[2].agreed_items and len(rows[2].agreed_items) < len(rows[2].items)
    assert rows[3].refusal_legal_basis.startswith("《中华人民共和国个人信息保护法》")
    login(demo_client, "hhht-transport@demo.nmg.example", DEMO_PASSWORD)
    page = demo_client.get("/sharing/requests").get_data(as_text=True)
    assert f'data-request="{rows[0].id}"' in page and f'data-request="{rows[2].id}"' not in page

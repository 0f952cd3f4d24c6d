"""The console links the asset register and the operation agreements where it links the other oversight pages
(OVERSIGHT §9, §10): agency staff see assets, the authority and auditors both; each link opens for them."""
from __future__ import annotations

from tests.conftest import login


def test_the_console_links_assets_and_operation_by_role(app, users):
    expected = {"agency_staff": (True, False), "authority": (True, True), "auditor": (True, True)}
    for who, (assets, operation) in expected.items():
        page = app.test_client()
        login(page, users[who].email)
        html = page.get("/console/").get_data(as_text=True)
        assert ('id="assets-link"' in html, 'id="operation-link"' in html) == (assets, operation), who
        assert page.get("/assets/").status_code == 200
        assert page.get("/operation/").status_code == (200 if operation else 403)

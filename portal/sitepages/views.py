"""Help / FAQ, the site map, contact, the privacy policy (versioned: the version consent records) and the terms
of use; the footer's 网站标识码 / ICP备案 / 公安备案 lines, each from its setting and shown only when set."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

bp = Blueprint("sitepages", __name__)

# The national record site of 公安机关互联网站安全管理服务平台; a record number's digits name its page there.
PSB_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
ICP_RECORD_URL = "https://beian.miit.gov.cn/"


def footer_lines() -> dict:
    """What the footer shows from the settings: nothing for an empty setting."""
    config = current_app.config
    psb = (config.get("PSB_RECORD") or "").strip()
    digits = "".join(re.findall(r"\d", psb))
    return {"site_identifier": (config.get("SITE_IDENTIFIER") or "").strip(),
            "icp_record": (config.get("ICP_RECORD") or "").strip(), "icp_url": ICP_RECORD_URL,
            "psb_record": psb, "psb_url": PSB_RECORD_URL.format(code=digits) if digits else ""}


@bp.app_context_processor
def _footer():
    return {"site_footer": footer_lines()}


def public_sections() -> list[tuple[object, list[tuple[object, str]]]]:
    """The site map: the public sections, grouped, each with its address."""
    return [
        (_l("Data"), [(_l("Home"), url_for("web.home")), (_l("Search the catalog"), url_for("catalog.search")),
                      (_l("Agencies"), url_for("agencies.agencies")),
                      (_l("Negative list"), url_for("catalog.negative_list")),
                      (_l("Annual open plans"), url_for("plans.index")),
                      (_l("Decisions on applications"), url_for("opening.decision_index")),
                      (_l("Statistics"), url_for("statistics.index"))]),
        (_l("Using the data"), [(_l("Licence"), url_for("web.licence")),
                                (_l("Developer API"), url_for("developers.developers")),
                                (_l("Legal basis"), url_for("legal.index"))]),
        (_l("Your account"), [(_l("Log in"), url_for("accounts.login")),
                              (_l("Register"), url_for("accounts.register")),
                              (_l("Forgot your password?"), url_for("personal.forgot_password"))]),
        (_l("About this site"), [(_l("Help and frequently asked questions"), url_for("sitepages.help")),
                                 (_l("Contact"), url_for("sitepages.contact")),
                                 (_l("Privacy policy"), url_for("sitepages.privacy")),
                                 (_l("Terms of use"), url_for("sitepages.terms")),
                                 (_l("Audit checkpoints"), url_for("audit_public.checkpoints"))]),
    ]


@bp.get("/help")
def help():
    """Help and frequently asked questions."""
    return render_template("sitepages/help.html")


@bp.get("/site-map")
def site_map():
    """The site map: every public section, as a list of links."""
    return render_template("sitepages/site_map.html", sections=public_sections())


@bp.get("/contact")
def contact():
    """How to reach the portal's operator (settings CONTACT_*)."""
    config = current_app.config
    return render_template("sitepages/contact.html", email=config.get("CONTACT_EMAIL", ""),
                           phone=config.get("CONTACT_PHONE", ""), address=config.get("CONTACT_ADDRESS", ""))


@bp.get("/privacy")
def privacy():
    """The privacy policy, with the version that registration and consent record."""
    config = current_app.config
    return render_template("sitepages/privacy.html", version=config["PRIVACY_POLICY_VERSION"],
                           retention_days=config["ACCESS_LOG_RETENTION_DAYS"],
                           reset_minutes=config["PASSWORD_RESET_MINUTES"])


@bp.get("/terms")
def terms():
    """Terms of use of the portal."""
    return render_template("sitepages/terms.html")

"""Site-wide pages: home, language choice, licence."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from .catalog import queries as catalog
from .discovery import services as discovery
from .pagecache import cached
from .security import safe_next

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """Home page: search box, themes with counts, newest and most downloaded entries, key figures."""
    return cached(lambda: render_template("home.html", figures=catalog.figures(),
                                          themes=catalog.themes_with_counts(), newest=catalog.newest(),
                                          popular=catalog.most_downloaded(), searches=discovery.popular()))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the visitor's language in a cookie and go back where they were (a page of this site that
    answers GET; the home page otherwise)."""
    resp = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        resp.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return resp


@bp.get("/licence")
def licence():
    """The open-data licence text."""
    return render_template("licence.html")

"""Legal bases as data: the regulations in force for this deployment, and the article each place cites.

A page, notice or decision never names a regulation in its own text; it asks `cite(purpose)` and shows
what the registry answers (or nothing, where no regulation in force governs the purpose).

    cite("application_refusal")          # Citation(R2024, art. 28, paragraph 2) or None
    note("usage_report")                 # "（《…》第三十六条第三款）" / " (…, art. 36(3))" / ""
    {{ basis_note('report_illegal_use') }} in templates: the same, linked to /legal#R2024-46
"""
from __future__ import annotations

from flask import Flask, current_app, url_for
from markupsafe import Markup

from .purposes import PURPOSES, Purpose
from .registry import Citation, Registry, Regulation, chinese_number, load_registry

__all__ = ["PURPOSES", "Citation", "Purpose", "Registry", "Regulation", "chinese_number", "cite", "citations",
           "link", "note", "registry", "init_app"]


def registry() -> Registry:
    return current_app.extensions["legal"]


def cite(purpose: str) -> Citation | None:
    """The citation governing `purpose` in this deployment, or None."""
    return registry().cite(purpose)


def citations(*purposes: str) -> list[Citation]:
    """The distinct citations of several purposes, in order (one article cited for two is named once)."""
    out: list[Citation] = []
    for p in purposes:
        c = cite(p)
        if c is not None and all((c.regulation.code, c.article.number, c.paragraph) !=
                                 (o.regulation.code, o.article.number, o.paragraph) for o in out):
            out.append(c)
    return out


def _chinese() -> bool:
    from .registry import _chinese as chinese

    return chinese()


def link(citation: Citation) -> Markup:
    """The citation as a link to its article on the legal page."""
    reg = citation.regulation
    title = " ".join(x for x in (reg.title if _chinese() else reg.title_en or reg.title, reg.document) if x)
    return Markup('<a class="legal-basis" href="{}" title="{}">{}</a>').format(
        url_for("legal.index", _anchor=citation.anchor), title, citation.text())


def note(*purposes: str, linked: bool = False) -> str:
    """The citations of the purposes in brackets, for the end of a sentence: full-width in Chinese,
    " (…)" in English; "" when no regulation in force governs them."""
    found = citations(*purposes)
    if not found:
        return Markup("") if linked else ""
    parts = [link(c) if linked else c.text() for c in found]
    if _chinese():
        inner = Markup("；").join(parts) if linked else "；".join(parts)
        return Markup("（{}）").format(inner) if linked else f"（{inner}）"
    inner = Markup("; ").join(parts) if linked else "; ".join(parts)
    return Markup(" ({})").format(inner) if linked else f" ({inner})"


def _template_basis(*purposes: str) -> Markup:
    found = citations(*purposes)
    return Markup("；" if _chinese() else "; ").join(link(c) for c in found) if found else Markup("")


def init_app(app: Flask) -> None:
    """Load the registry (fails at start when PORTAL_REGULATIONS names a regulation the file lacks) and
    give templates `cite()`, `basis(...)` (linked citations) and `basis_note(...)` (the same in brackets)."""
    app.extensions["legal"] = load_registry(app.config)
    app.jinja_env.globals.update(
        cite=cite,
        basis=_template_basis,
        basis_note=lambda *purposes: note(*purposes, linked=True),
        cite_link=lambda c: link(c) if c else Markup(""),
    )

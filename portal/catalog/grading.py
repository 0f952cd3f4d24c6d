"""Classification and grading of catalog entries (分类分级, OVERSIGHT.md §4; R2024 §9, §36; GB/T 43697-2024).

The agency proposes an entry's 行业领域 (`data_category`), its level (核心/重要/一般数据, `data_level`) and an
optional sub-grade of 一般数据 (`data_grade`); the authority confirms the level at review (R2024 §9「识别认定」,
`review.record_check(..., "level")`). What each level may be is the portal's rule PORTAL_LEVEL_RULES, written
here once and read by every path that sets an entry's level, open type or share type (the console form, the
API and any import all go through schemas.EntryIn → `level_rule_errors`). The level is not public unless
PORTAL_LEVEL_PUBLIC=1.
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import roles
from .models import DataLevel, OpenType, ShareType

LEVEL_LABELS = {
    DataLevel.CORE: _l("Core data"),
    DataLevel.IMPORTANT: _l("Important data"),
    DataLevel.GENERAL: _l("General data"),
}
GRADING_FIELDS = ("data_category", "data_level", "data_grade")
# A history line of this kind is internal (the level is not public): the public history leaves it out.
REGRADED = "regraded"


def settings() -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """The level rules, the 行业领域 list and the 一般数据 sub-grades (checked by config.level_settings)."""
    cfg = current_app.config
    return cfg["LEVEL_RULES"], tuple(cfg["DATA_CATEGORIES"]), tuple(cfg["GENERAL_GRADES"])


def rule_version() -> str:
    return current_app.config["GRADING_RULE_VERSION"]


def level_is_public() -> bool:
    return bool(current_app.config["LEVEL_PUBLIC"])


def public_level(ds: Any) -> str | None:
    """The level as the public entry page shows it: only with PORTAL_LEVEL_PUBLIC=1."""
    if not level_is_public() or ds.data_level not in set(DataLevel):
        return None
    label = str(LEVEL_LABELS[DataLevel(ds.data_level)])
    return f"{label} · {ds.data_grade}" if ds.data_grade else label


def may_see_level(actor: Any, agency_id: int) -> bool:
    """The entry's agency's staff, the authority and auditors (and administrators) see the level."""
    return bool(actor is not None and (roles.is_staff_of(actor, agency_id) or roles.is_overseer(actor)))


def _labels(values: tuple[str, ...], labels: Mapping[str, Any]) -> str:
    return "、".join(str(labels.get(v, v)) for v in values)


def level_rule_errors(data: Mapping[str, Any], rules: Mapping[str, Any], categories: tuple[str, ...],
                      grades: tuple[str, ...]) -> dict[str, str]:
    """The grading rules on an entry's data (its fields as EntryIn reads them), one message per field."""
    from .vocab import OPEN_TYPE_LABELS, SHARE_TYPE_LABELS

    errors: dict[str, str] = {}
    level, category, grade = data.get("data_level") or "", data.get("data_category") or "", data.get("data_grade") or ""
    if category and category not in categories:
        errors["data_category"] = _("Choose one of the listed values.")
    if grade and level != DataLevel.GENERAL:
        errors["data_grade"] = _("Only general data has a sub-grade.")
    elif grade and grade not in grades:
        errors["data_grade"] = _("Choose one of the listed values.")
    if level not in set(DataLevel):
        return errors  # the field's own check names it
    rule = rules.get(level)
    if rule is None:
        errors["data_level"] = _("%(level)s is not accepted on this portal.", level=LEVEL_LABELS[DataLevel(level)])
        return errors
    for name, labels, enum in (("open_type", OPEN_TYPE_LABELS, OpenType), ("share_type", SHARE_TYPE_LABELS,
                                                                              ShareType)):
        value = data.get(name)
        if value in set(enum) and value not in rule[name]:
            errors[name] = _("%(level)s may only be: %(allowed)s.", level=LEVEL_LABELS[DataLevel(level)],
                             allowed=_labels(rule[name], labels))
    return errors


def changed(ds: Any, data: Mapping[str, Any]) -> list[str]:
    """The grading fields an edit changes on a saved entry."""
    if ds is None or ds.data_level is None:
        return []
    return [f for f in GRADING_FIELDS if (getattr(ds, f) or "") != (data.get(f) or "")]


def reason_error(ds: Any, data: Mapping[str, Any]) -> dict[str, str]:
    """A confirmed level changes only with a stated reason (`level_reason`)."""
    if ds is not None and ds.level_confirmed_at is not None and "data_level" in changed(ds, data) \
            and not (data.get("level_reason") or "").strip():
        return {"level_reason": _("Changing a confirmed data level needs a stated reason.")}
    return {}

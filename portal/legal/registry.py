"""The registry of regulations and articles, loaded once per app from regulations.toml, and its answer
to "which article governs this purpose here" (`Registry.cite`)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from flask import has_request_context

from .purposes import PURPOSES

PACKAGED = Path(__file__).with_name("regulations.toml")
FILE_NAME = "regulations.toml"  # a deployment's own, in its data directory, replaces the packaged one

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 28 → 二十八, 105 → 一百零五: article and paragraph numbers as the documents write them."""
    if n < 0 or n > 999:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else
                                ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
    return _DIGITS[n // 100] + "百" + tail


def _chinese() -> bool:
    if not has_request_context():
        return True
    from ..i18n import select_locale

    return select_locale().startswith("zh")


@dataclass(frozen=True)
class Cites:
    purpose: str
    paragraph: int | None = None
    figure: int | None = None  # the period the article itself fixes, in the purpose's unit


@dataclass(frozen=True)
class Article:
    number: int
    summary: str
    summary_en: str
    text: str
    cites: tuple[Cites, ...]

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.strip().split("\n\n") if p.strip()]

    def label(self) -> str:
        """第二十八条 / Article 28."""
        return f"第{chinese_number(self.number)}条" if _chinese() else f"Article {self.number}"

    def summary_text(self) -> str:
        return self.summary if _chinese() else (self.summary_en or self.summary)


@dataclass(frozen=True)
class Regulation:
    code: str
    title: str
    short: str
    title_en: str
    short_en: str
    issuer: str
    document: str
    issued: date | None
    region: str
    region_en: str
    articles: tuple[Article, ...]
    repealed_by: str | None = None
    repealed_by_article: int | None = None
    repealed_on: date | None = None

    @property
    def in_force(self) -> bool:
        return self.repealed_by is None

    def name(self) -> str:
        """The full title in the page's language, 《》 around the Chinese one."""
        return f"《{self.title}》" if _chinese() else (self.title_en or self.title)

    def region_name(self) -> str:
        return self.region if _chinese() else (self.region_en or self.region)

    def article(self, number: int) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)


@dataclass(frozen=True)
class Citation:
    """One article (and paragraph) of one regulation, cited for one purpose."""
    regulation: Regulation
    article: Article
    paragraph: int | None = None
    figure: int | None = None

    @property
    def anchor(self) -> str:
        return f"{self.regulation.code}-{self.article.number}"

    @property
    def key(self) -> str:
        """Language-neutral, for audit records: R2024 §28(2)."""
        return f"{self.regulation.code} §{self.article.number}" + (f"({self.paragraph})" if self.paragraph else "")

    def text(self) -> str:
        """《内蒙古自治区公共数据管理暂行办法》第二十八条第二款 / …, art. 28(2)."""
        reg, n, p = self.regulation, self.article.number, self.paragraph
        if _chinese():
            return f"《{reg.title}》第{chinese_number(n)}条" + (f"第{chinese_number(p)}款" if p else "")
        return f"{reg.short_en or reg.title_en or reg.title}, art. {n}" + (f"({p})" if p else "")

    def sets(self, value: Any) -> bool:
        """Whether the article itself fixes this period (else the period is the portal's setting)."""
        return self.figure is not None and value is not None and int(value) == self.figure

    def __str__(self) -> str:
        return self.text()


@dataclass
class Registry:
    regulations: dict[str, Regulation]
    chosen: list[str]                      # PORTAL_REGULATIONS, in order
    source: Path
    _cache: dict[str, Citation | None] = field(default_factory=dict)

    @property
    def in_force(self) -> list[Regulation]:
        """The chosen regulations that bind this deployment, the prevailing one first."""
        return [self.regulations[c] for c in self.chosen if self.regulations[c].in_force]

    @property
    def repealed(self) -> list[Regulation]:
        """Chosen regulations repealed since, and regulations repealed by one in force: never cited."""
        binding = {r.code for r in self.in_force}
        return [r for r in self.regulations.values()
                if not r.in_force and (r.code in self.chosen or r.repealed_by in binding)]

    def cite(self, purpose: str) -> Citation | None:
        """The article of the first regulation in force here that governs the purpose, or None."""
        if purpose not in PURPOSES:
            raise KeyError(f"unknown legal purpose {purpose!r}")
        if purpose not in self._cache:
            self._cache[purpose] = next(
                (Citation(reg, art, c.paragraph, c.figure)
                 for reg in self.in_force for art in reg.articles for c in art.cites if c.purpose == purpose), None)
        return self._cache[purpose]

    def repeal(self, reg: Regulation) -> Citation | None:
        """The article that repealed `reg`, when the repealing regulation has it."""
        by = self.regulations.get(reg.repealed_by or "")
        art = by.article(reg.repealed_by_article) if by and reg.repealed_by_article else None
        return Citation(by, art) if by and art else None

    def purposes_of(self, reg: Regulation, article: Article) -> list[str]:
        """The purposes for which this deployment cites the article (another regulation may prevail)."""
        return [c.purpose for c in article.cites
                if (hit := self.cite(c.purpose)) and hit.regulation is reg and hit.article is article]


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def parse(data: Mapping[str, Any], source: Path) -> dict[str, Regulation]:
    """Regulations from the file's tables; ValueError naming the file and the fault."""
    regs: dict[str, Regulation] = {}
    for raw in data.get("regulation", []):
        code = str(raw.get("code") or "").strip()
        if not code or not raw.get("title"):
            raise ValueError(f"{source}: every [[regulation]] needs a code and a title")
        if code in regs:
            raise ValueError(f"{source}: regulation {code} appears twice")
        articles = []
        for a in raw.get("article", []):
            cites = []
            for c in a.get("cites", []):
                if c.get("purpose") not in PURPOSES:
                    raise ValueError(f"{source}: {code} article {a.get('number')} cites unknown purpose "
                                     f"{c.get('purpose')!r}; known: {', '.join(PURPOSES)}")
                cites.append(Cites(c["purpose"], c.get("paragraph"), c.get("figure")))
            articles.append(Article(int(a["number"]), a.get("summary", ""), a.get("summary_en", ""),
                                    a.get("text", ""), tuple(cites)))
        regs[code] = Regulation(
            code=code, title=raw["title"], short=raw.get("short") or raw["title"], title_en=raw.get("title_en", ""),
            short_en=raw.get("short_en", ""), issuer=raw.get("issuer", ""), document=raw.get("document", ""),
            issued=_date(raw.get("issued")), region=raw.get("region", ""), region_en=raw.get("region_en", ""),
            articles=tuple(sorted(articles, key=lambda a: a.number)), repealed_by=raw.get("repealed_by") or None,
            repealed_by_article=raw.get("repealed_by_article"), repealed_on=_date(raw.get("repealed_on")))
    for reg in regs.values():
        if reg.repealed_by and reg.repealed_by not in regs:
            raise ValueError(f"{source}: {reg.code} is repealed by {reg.repealed_by}, which the file lacks")
    return regs


def load_registry(config: Mapping[str, Any]) -> Registry:
    """The deployment's file (<DATA_DIR>/regulations.toml) or the packaged one, with PORTAL_REGULATIONS."""
    own = Path(config["DATA_DIR"]) / FILE_NAME
    source = own if own.is_file() else PACKAGED
    with source.open("rb") as fh:
        regs = parse(tomllib.load(fh), source)
    chosen = [c.strip() for c in str(config.get("REGULATIONS") or "").split(",") if c.strip()]
    unknown = [c for c in chosen if c not in regs]
    if unknown:
        raise ValueError(f"PORTAL_REGULATIONS names {', '.join(unknown)}, which {source} does not define "
                         f"(it defines {', '.join(regs)})")
    return Registry(regs, chosen, source)

"""Agencies (提供部门) that compile and publish catalog entries."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RegionLevel(StrEnum):
    """Administrative level: 自治区 / 盟市 / 旗县."""

    REGION = "region"
    CITY = "city"
    COUNTY = "county"


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(20), default=RegionLevel.REGION)
    region: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<Agency {self.slug}>"

"""E-mail delivery of notices through SMTP (stdlib smtplib), when PORTAL_SMTP_HOST is set."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Iterable

from flask import current_app

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send_many(messages: Iterable[tuple[str, str, str]]) -> set[int]:
    """Send (to, subject, body) messages over one SMTP connection; returns the indexes that were sent.

    A refused recipient or a broken connection is logged, never raised: the inbox notice stands anyway.
    """
    messages = list(messages)
    sent: set[int] = set()
    if not messages or not enabled():
        return sent
    cfg = current_app.config
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
            if cfg.get("SMTP_STARTTLS"):
                smtp.starttls()
            if cfg.get("SMTP_USER"):
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
            for n, (to, subject, body) in enumerate(messages):
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = cfg["SMTP_FROM"], to, subject
                msg.set_content(body)
                try:
                    smtp.send_message(msg)
                    sent.add(n)
                except smtplib.SMTPException as exc:
                    log.warning("mail to %s refused: %s", to, exc)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery failed: %s", exc)
    return sent

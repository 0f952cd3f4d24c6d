"""E-mail delivery through SMTP (stdlib smtplib), when PORTAL_SMTP_HOST is set.

Notices go to the inbox and, with SMTP, out by mail (send_many). Account mail (confirmation links,
notices to the owner of an existing account) exists only as mail (send). Tests read what was sent from
`app.extensions["mail_outbox"]` when they put a list there, or from a local SMTP server.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Iterable

from flask import current_app

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send(messages: Iterable[tuple]) -> int:
    """Send (to, subject, body[, headers]) messages now; returns how many left by SMTP. Without an SMTP host they are
    only logged (never their body, which may hold a confirmation link)."""
    messages = list(messages)
    outbox = current_app.extensions.get("mail_outbox")
    if outbox is not None:
        outbox.extend(messages)
    if not enabled():
        for to, subject, *_rest in messages:
            log.warning("no PORTAL_SMTP_HOST: mail to %s not sent (%s)", to, subject)
        return 0
    return len(send_many(messages))


def send_many(messages: Iterable[tuple]) -> set[int]:
    """Send (to, subject, body[, headers]) messages over one SMTP connection; returns the indexes that were sent.

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
            for n, (to, subject, body, *headers) in enumerate(messages):
                msg = EmailMessage()
                msg["From"], msg["To"], msg["Subject"] = cfg["SMTP_FROM"], to, subject
                for name, value in (headers[0] if headers else {}).items():  # e.g. List-Unsubscribe
                    msg[name] = value
                msg.set_content(body)
                try:
                    smtp.send_message(msg)
                    sent.add(n)
                except smtplib.SMTPException as exc:
                    log.warning("mail to %s refused: %s", to, exc)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP delivery failed: %s", exc)
    return sent

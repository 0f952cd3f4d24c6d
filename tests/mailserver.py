"""A real SMTP server on 127.0.0.1 for tests that follow the portal's mail out of the process."""
from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Iterator

from aiosmtpd.controller import Controller


@contextmanager
def local_smtp(handler) -> Iterator[int]:
    """Serve SMTP on a free port with `handler` (aiosmtpd: its handle_DATA keeps the messages); yield the port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()

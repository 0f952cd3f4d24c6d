"""A real OpenSSH server on 127.0.0.1 for tests that copy backups to another host over SFTP.

It runs as the current user on a free port, with its own host key, one authorized client key and its
configuration in a temporary directory; `stop()` ends it (and a test can stop it to make the host unreachable,
then `start()` it again on the same port). scripts/ensure-test-tools.sh and scripts/services.py install the
Debian package openssh-server when /usr/sbin/sshd is missing.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> list[str]:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "portal-test", "-f", str(path)], check=True)
    return path.with_name(path.name + ".pub").read_text().split()[:2]


class SshServer:
    def __init__(self, directory: str | Path) -> None:
        if not SSHD.exists():
            raise RuntimeError("OpenSSH's server is missing: run scripts/ensure-test-tools.sh (Debian openssh-server).")
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.user = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name
        host_type, host_key = _keygen(self.dir / "host_key")
        _keygen(self.dir / "client_key")
        self.client_key = self.dir / "client_key"
        (self.dir / "authorized_keys").write_text((self.dir / "client_key.pub").read_text())
        self.known_hosts = self.dir / "known_hosts"
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {host_type} {host_key}\n")
        self.config = self.dir / "sshd_config"
        self.config.write_text("\n".join([
            f"Port {self.port}", "ListenAddress 127.0.0.1", f"HostKey {self.dir / 'host_key'}",
            f"PidFile {self.dir / 'sshd.pid'}", f"AuthorizedKeysFile {self.dir / 'authorized_keys'}",
            "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password", "Subsystem sftp internal-sftp",
            "LogLevel ERROR", ""]))
        self.process: subprocess.Popen | None = None

    def url(self, path: str | Path) -> str:
        return f"sftp://{self.user}@127.0.0.1:{self.port}{path}"

    def start(self) -> "SshServer":
        if os.geteuid() == 0:  # as root, sshd wants its privilege-separation directory (the service makes it)
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        with open(self.dir / "sshd.log", "ab") as log:
            self.process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(self.config)],
                                            stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd stopped: {(self.dir / 'sshd.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("sshd did not start listening within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

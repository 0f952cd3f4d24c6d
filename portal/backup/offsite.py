"""Off-site targets (OVERSIGHT §11, R2024 §35「采用加密方式进行本地及异地备份」): where a backup run copies each
archive, reads it back from and applies retention. One small interface, two kinds, chosen from
PORTAL_BACKUP_OFFSITE:

- a directory on another mount: ``/srv/offsite`` or ``file:///srv/offsite``;
- another host over SFTP: ``sftp://user@host:port/path``, through the system's OpenSSH client (``sftp -b``),
  with the key file PORTAL_BACKUP_OFFSITE_KEY and the host key checked against the known_hosts file
  PORTAL_BACKUP_OFFSITE_KNOWN_HOSTS (never disabled: without that file a run fails).

Both write under a temporary name and rename when complete, so a final name never holds a half-written
archive. The run code (runs.py) only sees `Target`; it never knows which kind it has.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol
from urllib.parse import unquote, urlsplit

from .crypto import BackupError
from .services import written_whole

PARTIAL = ".partial"
CHECKPOINT = ".audit-checkpoint.json"  # written beside each local archive (services.backup); removed with it
CONNECT_TIMEOUT = 15
UNSAFE = re.compile(r'["\\*?\[\]\x00-\x1f\x7f]')  # quoting and glob characters of sftp's batch language


class Target(Protocol):
    """Where copies of archives are kept. `location` names it on the status page and in the record (no secret)."""

    location: str

    def put(self, source: Path) -> None:
        """Copy `source` under its own name, written under a temporary name and renamed when complete."""

    def fetched(self, name: str) -> AbstractContextManager[Path]:
        """A local file holding the bytes stored under `name` at the target, for reading back with the key."""

    def names(self) -> list[str]:
        """The names of the files at the target."""

    def remove(self, names: Iterable[str]) -> None:
        """Remove these archives (and any audit checkpoint beside them)."""


class DirectoryTarget:
    """A directory: the local backup directory, or an off-site volume mounted here."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.location = str(self.directory)

    def _reachable(self) -> Path:
        if not self.directory.is_dir():
            raise BackupError(f"The off-site target {self.directory} is not reachable (no such directory).")
        return self.directory

    def put(self, source: Path) -> None:
        with open(source, "rb") as fin, written_whole(self._reachable() / source.name) as fout:
            shutil.copyfileobj(fin, fout, 1024 * 1024)

    @contextmanager
    def fetched(self, name: str) -> Iterator[Path]:
        yield self.directory / name

    def names(self) -> list[str]:
        return [p.name for p in self._reachable().iterdir() if p.is_file()]

    def remove(self, names: Iterable[str]) -> None:
        for name in names:
            (self.directory / name).unlink(missing_ok=True)
            (self.directory / (name + CHECKPOINT)).unlink(missing_ok=True)


def _quoted(path: str) -> str:
    if UNSAFE.search(path):
        raise BackupError(f"The path {path[:200]!r} holds characters sftp would read as quoting or patterns.")
    return f'"{path}"'


class SftpTarget:
    """A directory on another host, reached with OpenSSH's `sftp` in batch mode: each call is one session
    whose commands stop at the first that fails (sftp -b)."""

    def __init__(self, url: str, key_file: str, known_hosts: str, scratch: str | Path) -> None:
        parts = urlsplit(url)
        try:
            port = parts.port or 22
        except ValueError:
            raise BackupError("PORTAL_BACKUP_OFFSITE: the port of the sftp:// address is not a number.") from None
        if parts.password is not None:
            raise BackupError("PORTAL_BACKUP_OFFSITE must not hold a password: set PORTAL_BACKUP_OFFSITE_KEY.")
        user, host, path = unquote(parts.username or ""), parts.hostname or "", unquote(parts.path)
        if not user or not host or not path.startswith("/") or parts.query or parts.fragment:
            raise BackupError("PORTAL_BACKUP_OFFSITE must read sftp://user@host:port/absolute/path.")
        if user.startswith("-") or host.startswith("-") or re.search(r"[\s@]", user + host):
            raise BackupError("PORTAL_BACKUP_OFFSITE: the user or host of the sftp:// address is not valid.")
        _quoted(path)
        if not key_file:
            raise BackupError("PORTAL_BACKUP_OFFSITE_KEY is not set: the sftp target needs a private key file.")
        if not known_hosts:
            raise BackupError("PORTAL_BACKUP_OFFSITE_KNOWN_HOSTS is not set: the sftp target's host key must be "
                              "checked against a known_hosts file.")
        for setting, file in (("PORTAL_BACKUP_OFFSITE_KEY", key_file), ("PORTAL_BACKUP_OFFSITE_KNOWN_HOSTS", known_hosts)):
            if not Path(file).is_file():
                raise BackupError(f"{setting} names {file}, which is not a file.")
        self.user, self.host, self.port, self.path = user, host, port, path.rstrip("/") or "/"
        self.key_file, self.known_hosts, self.scratch = key_file, known_hosts, Path(scratch)
        self.location = f"sftp://{user}@{host}:{port}{self.path}"

    def _remote(self, name: str) -> str:
        return _quoted(f"{self.path}/{name}")

    def _session(self, commands: list[str]) -> str:
        if not shutil.which("sftp"):
            raise BackupError("The OpenSSH client (sftp) is not installed (Debian package openssh-client).")
        host = f"[{self.host}]" if ":" in self.host else self.host
        options = {"IdentityFile": self.key_file, "IdentitiesOnly": "yes", "UserKnownHostsFile": self.known_hosts,
                   "GlobalKnownHostsFile": "/dev/null", "StrictHostKeyChecking": "yes", "BatchMode": "yes",
                   "PasswordAuthentication": "no", "LogLevel": "ERROR", "ConnectTimeout": str(CONNECT_TIMEOUT),
                   "ServerAliveInterval": "15", "ServerAliveCountMax": "4"}
        argv = ["sftp", "-b", "-", "-P", str(self.port)]  # not -q: it would silence why a connection failed
        for option, value in options.items():
            argv += ["-o", f"{option}={value}"]
        argv += ["--", f"{self.user}@{host}"]
        try:
            done = subprocess.run(argv, input="\n".join(commands) + "\n", capture_output=True, text=True,
                                  env={**os.environ, "LC_ALL": "C"})
        except OSError as exc:
            raise BackupError(f"sftp could not be started: {exc.strerror or exc}") from exc
        if done.returncode != 0:
            said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            said = [line for line in said if line != "Connection closed"] or said
            raise BackupError(f"{self.location} is not reachable or refused the command: "
                              f"{'; '.join(said[-3:]) or f'sftp exited with {done.returncode}'}")
        return done.stdout

    def put(self, source: Path) -> None:
        partial = self._remote(source.name + PARTIAL)
        try:
            self._session([f"put -f {_quoted(str(source))} {partial}",  # -f: flushed to the host's disk
                           f"rename {partial} {self._remote(source.name)}"])  # posix-rename: replaces at once
        except BackupError:
            try:  # the host may still be there: leave no temporary file behind
                self._session([f"-rm {partial}"])
            except BackupError:
                pass
            raise

    @contextmanager
    def fetched(self, name: str) -> Iterator[Path]:
        self.scratch.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.TemporaryDirectory(prefix=".offsite-read-back-", dir=self.scratch) as scratch:
            local = Path(scratch) / name
            self._session([f"get {self._remote(name)} {_quoted(str(local))}"])
            yield local

    def names(self) -> list[str]:
        out = self._session([f"ls -1 {_quoted(self.path)}"])
        prefix = self.path.rstrip("/") + "/"  # sftp lists each entry by its full path
        return [line.removeprefix(prefix) for line in out.splitlines() if line.startswith(prefix)]

    def remove(self, names: Iterable[str]) -> None:
        commands = []
        for name in names:
            commands += [f"rm {self._remote(name)}", f"-rm {self._remote(name + CHECKPOINT)}"]
        if commands:
            self._session(commands)


def target_from(config: Mapping) -> Target:
    """The off-site target PORTAL_BACKUP_OFFSITE names; a clear BackupError naming the setting otherwise."""
    setting = (config.get("BACKUP_OFFSITE") or "").strip()
    if not setting:
        raise BackupError("PORTAL_BACKUP_OFFSITE is not set: there is no off-site target.")
    if setting.startswith("sftp://"):
        return SftpTarget(setting, (config.get("BACKUP_OFFSITE_KEY") or "").strip(),
                          (config.get("BACKUP_OFFSITE_KNOWN_HOSTS") or "").strip(), config.get("BACKUP_DIR") or ".")
    if setting.startswith("file://"):
        setting = setting.removeprefix("file://")
    if "://" in setting or not setting.startswith("/"):
        raise BackupError("PORTAL_BACKUP_OFFSITE must be an absolute directory path (a mounted off-site volume) "
                          "or an sftp://user@host:port/path address.")
    return DirectoryTarget(setting)


def shown(setting: str) -> str:
    """The setting as the status page may show it: never a password, should one have been written into it."""
    return re.sub(r"^(sftp://[^:@/]*):[^@/]*@", r"\1@", setting or "")

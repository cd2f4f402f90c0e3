"""nginx in front of the app servers, as the load balancer: the shipped configuration
(deploy/nginx/assistant.conf) with its addresses replaced, in the main configuration that runs it as
an ordinary process with every file in one folder (deploy/nginx/local.conf)."""

import grp
import os
import pwd
import shutil
from pathlib import Path

from .processes import Started, ready, spawn

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's is in /usr/sbin, not on every user's PATH
SHIPPED_LISTEN = "listen 80;"
SHIPPED_UPSTREAM = "server 127.0.0.1:8000"  # the one app server of the shipped upstream
# Without rate limits (a load test from one address): what each replaces, and with what.
SHIPPED_RATES = [
    ("rate=2r/s", "rate=100000r/s"),
    ("limit_conn assistant_connections 32;", "limit_conn assistant_connections 4096;"),
]


def available() -> bool:
    return Path(NGINX).exists()


def replaced_once(text: str, old: str, new: str, where: Path) -> str:
    """``text`` with ``old`` replaced; ValueError unless it is there exactly once (the shipped file
    changed: the cluster would otherwise run something else than it)."""
    if text.count(old) != 1:
        raise ValueError(f"{where} should hold '{old}' once")
    return text.replace(old, new)


def site_config(deploy: Path, port: int, upstreams: list[int], rate_limits: bool = True) -> str:
    """The shipped site, listening on 127.0.0.1:``port``, its upstream line written once for each
    app server's port (with the same parameters: max_fails, fail_timeout)."""
    path = deploy / "nginx" / "assistant.conf"
    site = replaced_once(path.read_text(encoding="utf-8"), SHIPPED_LISTEN, f"listen 127.0.0.1:{port};", path)
    lines = site.split("\n")
    found = [n for n, line in enumerate(lines) if line.strip().startswith(SHIPPED_UPSTREAM)]
    if len(found) != 1:
        raise ValueError(f"{path} should hold one '{SHIPPED_UPSTREAM}' line in its upstream")
    line = lines[found[0]]
    indent, parameters = line[: len(line) - len(line.lstrip())], line.strip().removeprefix(SHIPPED_UPSTREAM)
    lines[found[0] : found[0] + 1] = [f"{indent}server 127.0.0.1:{p}{parameters}" for p in upstreams]
    site = "\n".join(lines)
    for old, new in [] if rate_limits else SHIPPED_RATES:
        site = replaced_once(site, old, new, path)
    return site


def main_config(deploy: Path, folder: Path) -> str:
    """deploy/nginx/local.conf for ``folder``: its pid file, logs and temporary files there, its
    workers run as this user."""
    text = (deploy / "nginx" / "local.conf").read_text(encoding="utf-8")
    for name, value in (
        ("@folder@", str(folder)),
        ("@user@", pwd.getpwuid(os.getuid()).pw_name),
        ("@group@", grp.getgrgid(os.getgid()).gr_name),
    ):
        text = text.replace(name, value)
    return text


def start(deploy: Path, folder: Path, port: int, upstreams: list[int], rate_limits: bool = True) -> Started:
    """nginx, once it answers the health check through an app server."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "assistant.conf").write_text(site_config(deploy, port, upstreams, rate_limits), encoding="utf-8")
    (folder / "nginx.conf").write_text(main_config(deploy, folder), encoding="utf-8")
    log = folder / "nginx.log"
    process = spawn([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")], log)
    return ready("nginx", process, port, f"http://127.0.0.1:{port}/api/v1/health", folder / "error.log", 15)

"""Absolute links from the one configured public address (PUBLIC_URL), never from the request, and
the one check for redirect targets taken from the request (`safe_next`: login, language switch, ...).

A link that leaves the site (a password reset or an invitation mailed to someone) built from the
request's Host header would point wherever an attacker's request said (docs/security.md). Inside a
request, relative links (`url_for` without `_external`) are enough; everything absolute comes from here.
"""
from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under PUBLIC_URL, with or without a request (CLI, background jobs)."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    anchor = values.pop("_anchor", None)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def trusted_hosts(public: str, extra: str | list | tuple = "") -> list[str]:
    """The host of the public URL, then the extra ones (a list, or names separated by commas)."""
    names = extra.split(",") if isinstance(extra, str) else list(extra)
    hosts = [urlsplit(public).hostname or ""] + [name.strip().lower() for name in names]
    return list(dict.fromkeys(host for host in hosts if host))


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site; anything that could leave the site gives None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers read "/\evil.example" as "//evil.example" and drop tabs and newlines from URLs.
    if "\\" in target or any(ord(char) < 0x21 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target

"""Whether an upstream base URL can be called at all (I/O-free, used by config checks).

``http://[::1/v1`` (httpx: "Invalid port") or a host name the IDNA codec cannot
encode (a label over 63 characters, an empty label: ``UnicodeError`` when connecting)
used to be accepted by ``/model/new`` and the config, and then every request to the
deployment was a 500. They are refused up front, with the reason."""

from __future__ import annotations


def url_problem(url: str) -> str | None:
    """Why ``url`` (already known to start with ``http://`` or ``https://``) cannot
    be called, or None."""
    import httpx  # lazily: the config module is imported by the CLI before anything heavy

    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, ValueError) as exc:
        return f"is not a valid URL ({exc})"
    if not host:
        return "has no host"
    if ":" not in host:  # not an IPv6 literal: a name (or IPv4) must encode for DNS
        try:
            host.encode("idna")
        except UnicodeError:
            why = "an empty label or one over 63 characters"
            return f"has a host name DNS cannot carry ({host[:80]!r}: {why})"
    return None

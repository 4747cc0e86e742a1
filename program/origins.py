"""Web origins an organiser lets frame an edition's embeds (``Conference.embed_origins``).

An origin is a scheme, a host and an optional port, as browsers compare them for
``Content-Security-Policy: frame-ancestors`` and ``postMessage``: ``https://mlsys.org``,
``http://localhost:8080``. Nothing else: no path, no wildcard, no ``'self'`` keyword; each
origin is written as browsers serialise it (lower case, no default port, no trailing
slash), so the header, the embed script's checks and the admin's snippet agree.
"""

import re

from django.core.exceptions import ValidationError

# A DNS name, an IPv4 address or a bracketed IPv6 address, then an optional port.
ORIGIN = re.compile(
    r"^(?P<scheme>https?)://"
    r"(?P<host>\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)
DEFAULT_PORTS = {"http": "80", "https": "443"}


def origin(text):
    """``text`` (one line) as a serialised origin, or None when it is not one.

    Letter case, surrounding spaces and one trailing slash are forgiven; a default port is
    dropped (``https://a.org:443`` is ``https://a.org``).
    """
    text = text.strip().lower()
    if text.endswith("/"):
        text = text[:-1]
    match = ORIGIN.match(text)
    if not match or (match["port"] and not 0 < int(match["port"]) < 65536):
        return None
    scheme, host, port = match["scheme"], match["host"], match["port"]
    if port and port.lstrip("0") != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{int(port)}"
    return f"{scheme}://{host}"


def origins(text):
    """The origins of ``text`` (one per line, blank lines skipped), in order, once each.

    Lines that are not an origin are left out: the field's validator refuses them on every
    form, and this keeps a header built from a value written past it (shell, SQL) well formed.
    """
    found = (origin(line) for line in (text or "").splitlines() if line.strip())
    return list(dict.fromkeys(one for one in found if one))


def validate_origins(text):
    """Raises ValidationError naming each line that is not an origin."""
    bad = [line.strip() for line in (text or "").splitlines() if line.strip() and not origin(line)]
    if bad:
        raise ValidationError(
            "Not a web origin (scheme, host and optional port, such as https://mlsys.org): "
            "%(lines)s.",
            params={"lines": ", ".join(f"“{line[:100]}”" for line in bad[:5])},
            code="origin",
        )

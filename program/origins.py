"""Web origins an organiser lets frame an edition's embeds (``Conference.embed_origins``).

An origin is a scheme, a host and an optional port, as browsers compare them for
``Content-Security-Policy: frame-ancestors`` and ``postMessage``: ``https://mlsys.org``,
``http://localhost:8080``. Nothing else: no path, no wildcard, no ``'self'`` keyword; each
origin is written as browsers serialise it (lower case, no default port, no trailing
slash, a Unicode host in its ASCII form ``xn--...``), so the header, the embed script's
checks and the admin's snippet agree.
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
# A host in Unicode (https://bücher.de), before it is turned to its ASCII form.
UNICODE_HOST = re.compile(r"^(?P<scheme>https?://)(?P<host>[^/:\[\]@\s]+)(?P<port>:[0-9]{1,5})?$")
# The four characters IDNA 2003 (Python's codec) maps otherwise than browsers (UTS #46
# nontransitional): fußball.de is not fussball.de to them. A host with one is refused.
DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")


def origin(text):
    """``text`` (one line) as a serialised origin, or None when it is not one.

    Letter case, surrounding spaces and one trailing slash are forgiven; a default port is
    dropped (``https://a.org:443`` is ``https://a.org``); a Unicode host is written in ASCII
    (``https://bücher.de`` is ``https://xn--bcher-kva.de``: a header holds only ASCII).
    """
    text = text.strip().lower()
    if text.endswith("/"):
        text = text[:-1]
    match = ORIGIN.fullmatch(ascii_host(text))
    if not match or (match["port"] and not 0 < int(match["port"]) < 65536):
        return None
    scheme, host, port = match["scheme"], match["host"], match["port"]
    if port and port.lstrip("0") != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{int(port)}"
    return f"{scheme}://{host}"


def ascii_host(text):
    """``text`` (lower case) with a Unicode host written as browsers serialise it in an
    origin, its IDNA ASCII form (``https://bücher.de`` is ``https://xn--bcher-kva.de``);
    any other text as it is."""
    match = UNICODE_HOST.fullmatch(text)
    if text.isascii() or not match or DEVIATIONS & set(match["host"]):
        return text
    try:
        host = match["host"].encode("idna").decode("ascii")
    except UnicodeError:
        return text
    return f"{match['scheme']}{host}{match['port'] or ''}"


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

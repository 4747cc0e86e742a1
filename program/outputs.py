"""Text from the data, made fit for the place it is written to: one function per kind of place.

Names, titles and search words may hold characters that some outputs cannot carry: XML 1.0
has no way at all to write most control characters (not even escaped), an HTTP header ends
at a line break, and iCalendar's TEXT (RFC 5545 §3.3.11) allows no control character but
the escaped line break. Every output passes its text through the function of its kind here,
so a room named with a stray control character still gives a well-formed file.
"""

import re
from urllib.parse import quote, urlsplit, urlunsplit

from django.utils.http import content_disposition_header
from icalendar import vText

# What XML 1.0 cannot carry (§2.2 Char): C0 controls but tab and line ends, lone surrogates
# (no encoding writes them) and the two non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Control characters (C0, DEL, C1) and lone surrogates, line ends and tab included.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# "%" not starting an escape; what RFC 3986 allows as it is in each part (§3.2.1 to §3.5).
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = _SUB_DELIMS + ":@/%"
_QUERY_SAFE = _PATH_SAFE + "?"
# A download's name: no control character, no quote, no path separator.
_NOT_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\"\\/]")


def xml_text(value):
    """``value`` as text for an XML element or attribute: what XML 1.0 cannot carry is
    dropped (the XML writer escapes markup and quotes)."""
    return _NOT_XML.sub("", str(value))


def calendar_text(value):
    """An iCalendar TEXT value (RFC 5545 §3.3.11): line breaks kept, written as ``\\n``;
    backslash, semicolon and comma escaped; other control characters, which TEXT cannot
    carry, dropped. Also for properties icalendar does not know as TEXT (NAME,
    X-WR-CALNAME), which it would otherwise write unescaped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return vText(_CONTROL.sub(lambda match: "\n" if match[0] == "\n" else "", text))


def download_filename(name):
    """A file's name for Content-Disposition: control characters, quotes and path
    separators removed, so it fits a header's quoted string and any folder."""
    return _NOT_IN_FILENAME.sub("", str(name)).strip() or "download"


def content_disposition(filename, *, as_attachment):
    """The Content-Disposition header of a download; non-ASCII names as RFC 6266 says
    (``filename*``, Django's ``content_disposition_header``)."""
    return content_disposition_header(as_attachment, download_filename(filename))


def uri(url):
    """A web address as a valid URI (RFC 3986), for every output that writes a link: the
    host in IDNA (``https://zügli.app`` gives ``https://xn--zgli-0ra.app``), and what a URI
    may not hold where it stands percent-encoded as UTF-8: spaces, letters beyond ASCII, a
    second ``#`` (``%23``), a ``%`` that starts no escape. A valid URI comes back unchanged.
    """
    parts = urlsplit(url)
    netloc = parts.netloc
    host = parts.hostname or ""
    if host and not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = quote(host, safe="")
        userinfo, at, host_port = netloc.rpartition("@")
        netloc = userinfo + at + host_port.lower().replace(host, ascii_host, 1)

    def escaped(part, safe):
        return quote(_LONE_PERCENT.sub("%25", part), safe=safe)

    return urlunsplit(
        (
            parts.scheme,
            netloc,
            escaped(parts.path, _PATH_SAFE),
            escaped(parts.query, _QUERY_SAFE),
            escaped(parts.fragment, _QUERY_SAFE),
        )
    )

"""A personal agenda: the talks someone starred, which travel in a URL.

Two spellings name the same agenda: ``?talk=a&talk=b`` (talk slugs, the first form, kept
for the links already shared) and ``?talks=<agenda code>``, the compact one the site
writes (``encode_talks``): every talk of a 2,000-talk edition fits in a few hundred
characters, where slugs passed the 4,094 bytes of a request line at about 55 talks.

An agenda code is a letter saying the form, then URL-safe base64 without padding
(RFC 4648 section 5) of bytes that hold talk ids (ids never change when talks are added,
moved or renamed; positions would):

- ``d`` (deltas): the ids in increasing order as LEB128 varints, the first id, then each
  one's difference to the one before (short for a few talks);
- ``b`` (bitset): the first id as a varint, then one bit per id from the first on, the
  lowest bit of each byte first (short for many talks: one byte per eight ids).

The site writes whichever is shorter (``d`` when they tie); both are read.
"""

import base64
import binascii
import datetime as dt
import re
from collections import defaultdict
from itertools import pairwise
from urllib.parse import urlencode

# More ids than any edition holds: the bound keeps a crafted code from naming millions.
MAX_TALKS = 10_000
# A varint of at most 8 bytes: ids below 2**56, far above any table's.
MAX_VARINT_BYTES = 8
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# What an agenda code looks like (the API's schema): a form letter and unpadded base64, whose
# length is never one more than a multiple of four; or empty (no filter).
AGENDA_CODE_PATTERN = r"^(?:[db](?:[A-Za-z0-9_-]{4})*[A-Za-z0-9_-]{2,4})?$"


class BadAgendaCode(ValueError):
    """What is wrong with an agenda code, in words for the person who sent it."""


def encode_talks(ids):
    """The agenda code of talk ``ids`` (an iterable of positive ints): 'dAQ' for [1], 'bBQc' for
    [5, 6, 7].

    An empty agenda is the empty string (no filter, like every empty parameter).
    """
    ids = sorted(set(ids))
    if not ids:
        return ""
    if ids[0] < 1:
        raise ValueError("talk ids are positive")
    first = ids[0]
    deltas = _varint(first) + b"".join(_varint(b - a) for a, b in pairwise(ids))
    size = (ids[-1] - first) // 8 + 1
    if len(_varint(first)) + size >= len(deltas):
        return "d" + _base64(deltas)  # no longer than the bitset (few ids, or far apart)
    bits = bytearray(size)
    for talk in ids:
        offset = talk - first
        bits[offset // 8] |= 1 << (offset % 8)
    return "b" + _base64(_varint(first) + bytes(bits))


def decode_talks(code):
    """The talk ids (a sorted list) an agenda code names; BadAgendaCode when it is not one."""
    form, text = code[:1], code[1:]
    if form not in ("d", "b") or not text:
        raise BadAgendaCode("is not an agenda code (a 'd' or 'b' and URL-safe base64).")
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise BadAgendaCode("is not an agenda code: its base64 is damaged.")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadAgendaCode("is not an agenda code: its base64 is damaged.") from error
    first, position = _read_varint(data, 0)
    if first < 1:
        raise BadAgendaCode("is not an agenda code: talk ids start at 1.")
    ids = [first]
    if form == "d":
        while position < len(data):
            delta, position = _read_varint(data, position)
            if delta < 1:
                raise BadAgendaCode("is not an agenda code: its ids must increase.")
            ids.append(ids[-1] + delta)
            _check_count(ids)
    else:
        bits = data[position:]
        if not bits or not bits[0] & 1 or not bits[-1]:
            raise BadAgendaCode("is not an agenda code: its bitset is damaged.")
        for index, byte in enumerate(bits):
            ids += [first + index * 8 + bit for bit in range(8) if byte >> bit & 1]
            _check_count(ids)
        ids.pop(0)  # the first id is also its bitset's bit 0
    return ids


def _check_count(ids):
    if len(ids) > MAX_TALKS + 1:
        raise BadAgendaCode(f"names more than {MAX_TALKS:,} talks.")


def _base64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _varint(number):
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _read_varint(data, position):
    """(number, the position after it), reading a LEB128 varint of ``data`` at ``position``."""
    number = 0
    for index in range(MAX_VARINT_BYTES):
        if position + index >= len(data):
            break
        byte = data[position + index]
        number |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return number, position + index + 1
    raise BadAgendaCode("is not an agenda code: a number in it is cut off or too long.")


def overlapping_titles(entries):
    """{slug: titles of the other entries that share some time with it}, in time order.

    ``entries`` are program entries (program.pages.listing.ProgramEntry). Touching ends do not
    overlap (a talk ending at 10:00 and one starting at 10:00), and a cancelled talk takes
    no time.
    """
    slots = sorted(
        (
            dt.datetime.fromisoformat(entry.start_iso),
            dt.datetime.fromisoformat(entry.end_iso),
            entry,
        )
        for entry in entries
        if not entry.cancelled
    )
    overlaps = defaultdict(list)
    for index, (_, end, entry) in enumerate(slots):
        for later_start, _, later in slots[index + 1 :]:
            if later_start >= end:
                break
            overlaps[entry.slug].append(later.title)
            overlaps[later.slug].append(entry.title)
    return overlaps


def agenda_query(ids):
    """'talks=<agenda code>': the query string of the agenda of talk ``ids`` ('' for none)."""
    code = encode_talks(ids)
    return urlencode([("talks", code)]) if code else ""


def webcal(url):
    """The webcal:// form of an http(s) URL, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]

"""A personal agenda: the talks someone starred, which travel in a URL (?talk=a&talk=b)."""

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode


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


def agenda_query(slugs):
    """'talk=a&talk=b': the query string of an agenda, in the order given."""
    return urlencode([("talk", slug) for slug in slugs])


def webcal(url):
    """The webcal:// form of an http(s) URL, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]

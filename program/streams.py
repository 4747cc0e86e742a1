"""Watching a talk from elsewhere: its room's live stream around the talk, then its recording.

A room may have a ``stream_url`` (Room). Around one of its talks a page offers, by the clock:

- from WINDOW before the start: "Live stream starts in 12 min", linking the stream;
- from the start to the end (excluded): "Watch live";
- after the end: "Watch the recording" when the talk has a video resource, else nothing.

Pages link the stream, never embed it: the Content-Security-Policy stays strict
(no frame-src) and a viewer leaves for the stream's own site, with its own privacy policy.
"""

import datetime as dt
import math
from dataclasses import dataclass

# How long before a talk its stream is announced: long enough to find a seat or a screen,
# short enough that the room's previous talk does not look like this one's stream.
WINDOW = dt.timedelta(minutes=15)


class Watching:
    SOON = "soon"
    LIVE = "live"
    RECORDING = "recording"


@dataclass(frozen=True)
class Watch:
    """What a page offers for watching a talk at a moment: ``state`` (Watching), the link's
    ``url`` and ``text``."""

    state: str
    url: str
    text: str


def minutes_until(start, at):
    """Whole minutes from ``at`` to ``start`` (datetimes), rounded up: 11 min 20 s is 12."""
    return math.ceil((start - at) / dt.timedelta(minutes=1))


def watch(*, start, end, cancelled, stream_url, recording_url, at):
    """What to offer at ``at`` for a talk from ``start`` to ``end`` (aware datetimes) in a
    room streamed at ``stream_url`` ('' when it is not), whose recording (a video resource)
    is at ``recording_url`` ('' when there is none yet): (Watch or None, changes_at).

    ``changes_at`` is the next moment at which the answer changes by the clock alone (the
    next minute while the countdown runs, the start, the end), or None when it never does:
    a cached page of the talk is kept no longer (machinery/responses.py ``changes_at``).
    A cancelled talk offers nothing: nobody is on the stream for it.
    """
    if cancelled:
        return None, None
    if at >= end:
        if recording_url:
            return Watch(Watching.RECORDING, recording_url, "Watch the recording"), None
        return None, None
    if recording_url and not stream_url:
        return None, end
    if not stream_url:
        return None, None
    if at >= start:
        return Watch(Watching.LIVE, stream_url, "Watch live"), end
    if at < start - WINDOW:
        return None, start - WINDOW
    minutes = minutes_until(start, at)
    next_minute = at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    text = f"Live stream starts in {minutes} min"
    return Watch(Watching.SOON, stream_url, text), min(next_minute, start)

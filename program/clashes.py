"""Clashes: a room or a speaker booked for two overlapping talks of the same edition.

The admin and the importers call ``find_clashes``; both report clashes without refusing
them (docs/organisers/admin.md).
"""

from dataclasses import dataclass

from program.models import Speaker, Talk
from program.times import moment_label


@dataclass(frozen=True)
class Clash:
    talk: Talk
    other: Talk
    speaker: Speaker | None = None  # None: the two talks share the room

    @property
    def kind(self):
        return "room" if self.speaker is None else "speaker"

    def message(self):
        """What an organiser reads, e.g. after saving ``talk``."""
        other = self.other
        where_when = f"in {other.room} at {moment_label(other.local_start)}"
        if self.speaker is None:
            return f"Room clash: “{other}” is also {where_when}."
        return f"Speaker clash: {self.speaker} also speaks in “{other}” {where_when}."


def find_clashes(conference, *, talk=None, involving=None):
    """Every clash among the edition's talks that are not cancelled, in time order.

    With ``talk``, only the clashes of that (saved) talk; with ``involving`` (a set of talk
    ids, e.g. an import's), only the clashes one of them takes part in. Each clash names
    such a talk first. Talks that merely touch (one ends when the next starts) do not clash.
    """
    talks = Talk.objects.filter(conference=conference).exclude(status=Talk.Status.CANCELLED)
    if talk is not None:
        talks = talks.overlapping(talk.start, talk.end)
        involving = {talk.pk}
    talks = list(talks.for_clashes().order_by("start", "pk"))

    clashes = []
    running = []  # talks started so far that may still overlap the next one
    for current in talks:
        running = [earlier for earlier in running if earlier.end > current.start]
        for earlier in running:
            clashes.extend(_clashes_between(earlier, current))
        running.append(current)

    if involving is None:
        return clashes
    return [
        Clash(talk=clash.other, other=clash.talk, speaker=clash.speaker)
        if clash.talk.pk not in involving
        else clash
        for clash in clashes
        if clash.talk.pk in involving or clash.other.pk in involving
    ]


def _clashes_between(first, second):
    if first.room_id == second.room_id:
        yield Clash(talk=first, other=second)
    second_speakers = {speaker.pk for speaker in second.ordered_speakers}
    for speaker in first.ordered_speakers:
        if speaker.pk in second_speakers:
            yield Clash(talk=first, other=second, speaker=speaker)

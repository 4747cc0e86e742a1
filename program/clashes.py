"""Clashes: a room or a speaker booked for two overlapping talks of the same edition.

The admin and the importers call ``find_clashes`` (or ``first_clashes``, which lists the first
few and counts the rest); both report clashes without refusing them (docs/organisers/admin.md).

Clashes are found room by room and speaker by speaker: each group's talks, in time order, are
swept once, keeping those still running. The work is the number of talks and speaker links,
the sorting (n log n) and the clashes listed: a file of 2,000 talks all at the same time makes
hundreds of thousands of clashes, which are counted (``first_clashes``), never all built.
"""

import heapq
import itertools
from bisect import bisect_right
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
    The order: by the later talk's start (then id), then by the earlier talk's, a room clash
    before speaker clashes, speakers in the earlier talk's order.
    """
    clashes, _ = first_clashes(conference, talk=talk, involving=involving, limit=None)
    return clashes


def first_clashes(conference, *, talk=None, involving=None, limit):
    """(the first ``limit`` clashes find_clashes lists, or all with None; how many it lists).

    The count is made without building the clashes (n log n), so that a file whose every
    talk overlaps every other is checked as fast as any other of its size.
    """
    talks = Talk.objects.filter(conference=conference).exclude(status=Talk.Status.CANCELLED)
    if talk is not None:
        talks = talks.overlapping(talk.start, talk.end)
        involving = {talk.pk}
    sweep = _Sweep(list(talks.for_clashes().order_by("start", "pk")), involving)
    return list(itertools.islice(sweep.clashes(), limit)), sweep.count()


class _Sweep:
    """The talks (in time order) grouped by room and by speaker, for listing and counting."""

    def __init__(self, talks, involving):
        self.talks = talks
        self.involved = [involving is None or talk.pk in involving for talk in talks]
        self.speakers = [talk.ordered_speakers for talk in talks]
        # Speaker id -> its place in the talk's list, for the order of speaker clashes.
        self.places = [{s.pk: place for place, s in enumerate(sp)} for sp in self.speakers]
        groups = {}  # ("room", id) or ("speaker", id) -> indexes of its talks, in time order
        for index, talk in enumerate(talks):
            groups.setdefault(("room", talk.room_id), []).append(index)
            for speaker in self.speakers[index]:
                groups.setdefault(("speaker", speaker.pk), []).append(index)
        self.groups = groups

    def clashes(self):
        """Clash after clash in find_clashes's order, built only as they are taken."""
        pairs = heapq.merge(
            *(self._pairs(kind, key, members) for (kind, key), members in self.groups.items())
        )
        for later, earlier, rank, in_earlier in pairs:
            first, second = self.talks[earlier], self.talks[later]
            speaker = None if rank == 0 else self.speakers[earlier][rank - 1]
            if in_earlier:  # the talk it involves first, as find_clashes promises
                yield Clash(talk=first, other=second, speaker=speaker)
            else:
                yield Clash(talk=second, other=first, speaker=speaker)

    def _pairs(self, kind, key, members):
        """(later, earlier, rank, earlier involved) for each overlapping pair of the group
        that involves a talk: rank 0 for a room, 1 + the speaker's place in the earlier talk.

        Two lists of talks still running: every one, and the involved ones. An involved talk
        meets every running talk, another only the involved: the work is each talk once, plus
        each pair yielded, plus each talk dropped once from each list."""
        running, running_involved = [], []
        for later in members:
            start = self.talks[later].start
            if self.involved[later]:
                running = [earlier for earlier in running if _still_running(self, earlier, start)]
                met = running
            else:
                running_involved = [
                    earlier for earlier in running_involved if _still_running(self, earlier, start)
                ]
                met = running_involved
            for earlier in met:
                rank = 0 if kind == "room" else self.places[earlier][key] + 1
                yield later, earlier, rank, self.involved[earlier]
            running.append(later)
            if self.involved[later]:
                running_involved.append(later)

    def count(self):
        """How many clashes ``clashes`` yields: in each group, the overlapping pairs with an
        involved talk are all its overlapping pairs less those among the others."""
        total = 0
        for members in self.groups.values():
            total += _overlapping_pairs(self.talks, members)
            others = [index for index in members if not self.involved[index]]
            total -= _overlapping_pairs(self.talks, others) if others else 0
        return total


def _still_running(sweep, earlier, start):
    """Whether the talk ``earlier`` (an index) has not ended by ``start``: the sweep's one
    comparison (tests count them)."""
    return sweep.talks[earlier].end > start


def _overlapping_pairs(talks, members):
    """The pairs of overlapping talks among ``members`` (indexes in time order): each talk
    overlaps the earlier ones not yet ended at its start, that is all earlier ones but those
    ended by then (which started before it). n log n, whatever the overlaps."""
    ends = sorted(talks[index].end for index in members)
    return sum(
        position - bisect_right(ends, talks[index].start) for position, index in enumerate(members)
    )

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

from program.models import Speaker, Talk, TalkSpeaker
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


def find_clashes(conference, *, talk=None, involving=None, within=None):
    """Every clash among the edition's talks that are not cancelled, in time order.

    With ``within`` (aware start, end), only talks sharing some of that time are read: the
    span of the talks just moved, when only their clashes are asked for (``involving``).
    With ``talk``, only the clashes of that (saved) talk; with ``involving`` (a set of talk
    ids, e.g. an import's), only the clashes one of them takes part in. Each clash names
    such a talk first. Talks that merely touch (one ends when the next starts) do not clash.
    The order: by the later talk's start (then id), then by the earlier talk's, a room clash
    before speaker clashes, speakers in the earlier talk's order.
    """
    clashes, _ = first_clashes(
        conference, talk=talk, involving=involving, within=within, limit=None
    )
    return clashes


def first_clashes(conference, *, talk=None, involving=None, within=None, limit):
    """(the first ``limit`` clashes find_clashes lists, or all with None; how many it lists).

    The sweep reads plain values (ids and times, a talk's speaker ids in their order), and
    only the talks of the clashes listed are loaded whole: 27,000 talks as model instances
    took seconds. The count is made without building the clashes (n log n), so that a file
    whose every talk overlaps every other is checked as fast as any other of its size.
    """
    # Unscheduled talks are nowhere at no time: they clash with nothing.
    talks = Talk.objects.filter(conference=conference, start__isnull=False).exclude(
        status=Talk.Status.CANCELLED
    )
    if talk is not None and talk.start is None:
        return [], 0
    if within is not None:
        talks = talks.overlapping(*within)
    if talk is not None:
        talks = talks.overlapping(talk.start, talk.end)
        involving = {talk.pk}
    rows = list(talks.order_by("start", "pk").values_list("pk", "start", "end", "room_id"))
    speakers = {}  # talk id -> its speakers' ids, in their order
    links = TalkSpeaker.objects.filter(talk__in=talks).order_by("talk_id", "position", "pk")
    for talk_id, speaker_id in links.values_list("talk_id", "speaker_id"):
        speakers.setdefault(talk_id, []).append(speaker_id)
    sweep = _Sweep(rows, speakers, involving)
    pairs = list(itertools.islice(sweep.pairs(), limit))
    return _clashes(talks, pairs), sweep.count()


def _clashes(talks, pairs):
    """The Clash of each (involved talk's id, other talk's id, speaker id or None), its talks
    loaded as the messages need them."""
    loaded = talks.for_clashes().in_bulk(
        {pk for first, second, _ in pairs for pk in (first, second)}
    )
    clashes = []
    for first, second, speaker_id in pairs:
        speaker = None
        if speaker_id is not None:
            speaker = next(s for s in loaded[first].ordered_speakers if s.pk == speaker_id)
        clashes.append(Clash(talk=loaded[first], other=loaded[second], speaker=speaker))
    return clashes


class _Sweep:
    """The talks (rows of id, start, end, room id, in time order) grouped by room and by
    speaker, for listing and counting."""

    def __init__(self, rows, speakers, involving):
        self.ids = [pk for pk, _, _, _ in rows]
        self.starts = [start for _, start, _, _ in rows]
        self.ends = [end for _, _, end, _ in rows]
        self.involved = [involving is None or pk in involving for pk in self.ids]
        self.speakers = [speakers.get(pk, []) for pk in self.ids]
        # Speaker id -> its place in the talk's list, for the order of speaker clashes.
        self.places = [{pk: place for place, pk in enumerate(ids)} for ids in self.speakers]
        groups = {}  # ("room", id) or ("speaker", id) -> indexes of its talks, in time order
        for index, (_, _, _, room_id) in enumerate(rows):
            groups.setdefault(("room", room_id), []).append(index)
            for speaker_id in self.speakers[index]:
                groups.setdefault(("speaker", speaker_id), []).append(index)
        self.groups = groups

    def pairs(self):
        """(the involved talk's id, the other's, the speaker's id or None for the room) of
        clash after clash in find_clashes's order, made only as they are taken."""
        merged = heapq.merge(
            *(self._pairs(kind, key, members) for (kind, key), members in self.groups.items())
        )
        for later, earlier, rank, in_earlier in merged:
            speaker = None if rank == 0 else self.speakers[earlier][rank - 1]
            if in_earlier:  # the talk it involves first, as find_clashes promises
                yield self.ids[earlier], self.ids[later], speaker
            else:
                yield self.ids[later], self.ids[earlier], speaker

    def _pairs(self, kind, key, members):
        """(later, earlier, rank, earlier involved) for each overlapping pair of the group
        that involves a talk: rank 0 for a room, 1 + the speaker's place in the earlier talk.

        Two lists of talks still running: every one, and the involved ones. An involved talk
        meets every running talk, another only the involved: the work is each talk once, plus
        each pair yielded, plus each talk dropped once from each list."""
        running, running_involved = [], []
        for later in members:
            start = self.starts[later]
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
        """How many clashes ``pairs`` yields: in each group, the overlapping pairs with an
        involved talk are all its overlapping pairs less those among the others."""
        total = 0
        for members in self.groups.values():
            total += self._overlapping_pairs(members)
            others = [index for index in members if not self.involved[index]]
            total -= self._overlapping_pairs(others) if others else 0
        return total

    def _overlapping_pairs(self, members):
        """The pairs of overlapping talks among ``members`` (indexes in time order): each
        talk overlaps the earlier ones not yet ended at its start, that is all earlier ones
        but those ended by then (which started before it). n log n, whatever the overlaps."""
        ends = sorted(self.ends[index] for index in members)
        return sum(
            position - bisect_right(ends, self.starts[index])
            for position, index in enumerate(members)
        )


def _still_running(sweep, earlier, start):
    """Whether the talk ``earlier`` (an index) has not ended by ``start``: the sweep's one
    comparison (tests count them)."""
    return sweep.ends[earlier] > start

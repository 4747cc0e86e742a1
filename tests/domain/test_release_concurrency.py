"""A release under concurrent readers and a second release (program/releases.py), on
PostgreSQL: readers see the last release or the new one whole, never a mix, and two
releases of one edition take turns and number themselves 2 and 3.

These tests commit for real (``transaction=True``) from several connections at once.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import F

from program.models import Release, Talk
from program.release_preview import preview, release_as_seen
from program.releases import release
from tests.factories import ConferenceFactory, RoomFactory, TalkTypeFactory, local

pytestmark = pytest.mark.django_db(transaction=True)

TALKS = 400


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs readers and writers on several connections at once, which SQLite "
            "serialises whole (one writer, and readers of a shared in-memory test database "
            "wait for it): the release's single UPDATE is tested on SQLite by "
            "tests/domain/test_held_changes.py"
        )


@pytest.fixture
def edition():
    """MLSys 2026 holding changes: TALKS public talks in Grand Ballroom 1 on Monday, each
    moved (held) to Hall B on Tuesday."""
    postgresql_only()
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1")
    hall = RoomFactory(conference=conference, name="Hall B")
    talk_type = TalkTypeFactory()
    first = local("2026-05-18", 9)
    Talk.objects.bulk_create(
        Talk(
            conference=conference,
            title=f"Talk {n}",
            slug=f"talk-{n}",
            type=talk_type,
            status=Talk.Status.PUBLISHED,
            start=first + dt.timedelta(minutes=n),
            end=first + dt.timedelta(minutes=n + 1),
            room=ballroom,
        )
        for n in range(TALKS)
    )
    conference.holds_changes = True
    conference.save()
    Talk.objects.filter(conference=conference).update(
        start=F("start") + dt.timedelta(days=1), end=F("end") + dt.timedelta(days=1), room=hall
    )
    return conference


class Readers:
    """Threads that read the edition's public talks over and over, each on its own
    connection, as the public pages and API do; each read is classified "old" (every talk
    where release 1 put it), "new" (every talk moved) or "mixed"."""

    def __init__(self, conference, old, new, count=3):
        self.conference, self.old, self.new = conference, old, new
        self.reads, self.errors = [], []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(count)]

    def read(self):
        rows = frozenset(
            Talk.objects.published()
            .filter(conference=self.conference)
            .values_list("slug", "public_start", "public_room_id")
        )
        return "old" if rows == self.old else "new" if rows == self.new else "mixed"

    def run(self):
        try:
            while not self.stop.is_set():
                self.reads.append((time.monotonic(), self.read()))
        except Exception as error:  # reported by the test
            self.errors.append(error)
        finally:
            connection.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def kinds(self, after=None, before=None):
        return {
            kind
            for moment, kind in list(self.reads)
            if (after is None or moment >= after) and (before is None or moment < before)
        }

    def wait_for(self, reads, after):
        """Until ``reads`` reads have started after ``after`` (a monotonic time)."""
        deadline = time.monotonic() + 30
        while sum(moment >= after for moment, _ in list(self.reads)) < reads:
            assert time.monotonic() < deadline, "the readers stopped reading"
            time.sleep(0.005)


def slots(conference, public):
    names = ("public_start", "public_room_id") if public else ("start", "room_id")
    return frozenset(Talk.objects.filter(conference=conference).values_list("slug", *names))


def test_readers_see_the_last_release_or_the_new_one_never_a_mix(edition):
    old, new = slots(edition, public=True), slots(edition, public=False)
    assert old != new
    assert len(old) == len(new) == TALKS
    released, commit = threading.Event(), threading.Event()
    errors = []

    def release_slowly():
        """Release, then hold the transaction open until the readers have read in it."""
        try:
            with transaction.atomic():
                release(edition, name="Tuesday")
                released.set()
                assert commit.wait(timeout=30)
        except Exception as error:
            errors.append(error)
        finally:
            released.set()
            connection.close()

    with Readers(edition, old, new) as readers:
        readers.wait_for(20, after=0)
        releasing = threading.Thread(target=release_slowly)
        started = time.monotonic()
        releasing.start()
        assert released.wait(timeout=30)
        written = time.monotonic()
        readers.wait_for(20, after=written)  # the release is written, not committed
        committing = time.monotonic()
        commit.set()
        releasing.join(timeout=30)
        committed = time.monotonic()
        readers.wait_for(20, after=committed)

    assert (errors, readers.errors) == ([], [])
    assert readers.kinds() == {"old", "new"}
    assert readers.kinds(before=started) == {"old"}
    assert readers.kinds(after=written, before=committing) == {"old"}
    assert readers.kinds(after=committed) == {"new"}


def test_a_release_racing_readers_is_seen_whole(edition):
    old, new = slots(edition, public=True), slots(edition, public=False)

    with Readers(edition, old, new, count=4) as readers:
        readers.wait_for(10, after=0)
        release(edition, name="Tuesday")
        done = time.monotonic()
        readers.wait_for(10, after=done)

    assert readers.errors == []
    assert readers.kinds() == {"old", "new"}
    assert readers.kinds(after=done) == {"new"}


def test_a_second_release_waits_for_the_first_and_takes_the_next_number(edition):
    first_written, commit_first = threading.Event(), threading.Event()
    numbers, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                numbers["first"] = release(edition, name="First").number
                first_written.set()
                assert commit_first.wait(timeout=30)
        except Exception as error:
            errors.append(error)
        finally:
            first_written.set()
            connection.close()

    def second():
        try:
            numbers["second"] = release(edition, name="Second").number
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_written.wait(timeout=30)
    threads[1].start()
    threads[1].join(timeout=0.5)
    waited = threads[1].is_alive()  # blocked on the edition's row, locked by the first
    commit_first.set()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert waited
    assert numbers == {"first": 2, "second": 3}
    assert list(
        Release.objects.filter(conference=edition).values_list("number", "name", "changes")
    ) == [(3, "Second", 0), (2, "First", TALKS), (1, "The program as it stood", 0)]


def test_two_releases_started_together_number_themselves_2_and_3(edition):
    start = threading.Barrier(2)
    numbers, errors = [], []

    def release_at_once(name):
        try:
            start.wait(timeout=30)
            numbers.append(release(edition, name=name).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=release_at_once, args=(name,)) for name in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(numbers) == [2, 3]
    assert sorted(edition.releases.values_list("number", flat=True)) == [1, 2, 3]


def test_a_talk_moved_during_a_release_of_what_was_seen_waits_for_the_next(edition):
    seen = preview(edition).fingerprint
    written, commit = threading.Event(), threading.Event()
    made, errors = [], []

    def release_seen():
        try:
            with transaction.atomic():
                made.append(release_as_seen(edition, seen, name="Tuesday"))
                written.set()
                assert commit.wait(timeout=30)
        except Exception as error:
            errors.append(error)
        finally:
            written.set()
            connection.close()

    def move_one():
        try:
            Talk.objects.filter(slug="talk-0").update(
                start=local("2026-05-20", 9), end=local("2026-05-20", 9, 30)
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    releasing, moving = threading.Thread(target=release_seen), threading.Thread(target=move_one)
    releasing.start()
    assert written.wait(timeout=30)
    moving.start()
    moving.join(timeout=0.5)
    waited = moving.is_alive()  # the talk is locked by the release
    commit.set()
    for thread in (releasing, moving):
        thread.join(timeout=30)

    assert errors == []
    assert waited
    assert made[0].changes == TALKS
    assert [(change.kind, change.talk.slug) for change in preview(edition).changes] == [
        ("moved", "talk-0")
    ]

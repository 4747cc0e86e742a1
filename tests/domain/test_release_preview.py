"""What the next release changes (program/release_preview.py), and a release of what was
seen only."""

import pytest

from program.models import Talk
from program.release_preview import Outdated, preview, release_as_seen
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    """MLSys 2026 holding changes, with LMCache (Yuhan Liu) and a draft (Ion Stoica)."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    ballroom = RoomFactory(conference=conference, name="Grand Ballroom 1")
    TalkFactory(
        conference=conference,
        room=ballroom,
        title="LMCache",
        slug="lmcache",
        start=local("2026-05-18", 9, 50),
        speakers=[SpeakerFactory(name="Yuhan Liu")],
    )
    TalkFactory(
        conference=conference,
        room=ballroom,
        title="Sky",
        slug="sky",
        status="draft",
        speakers=[SpeakerFactory(name="Ion Stoica")],
    )
    conference.holds_changes = True
    conference.save()
    return conference


def summary(shown):
    return [
        (change.kind, change.talk.slug, change.before, change.after) for change in shown.changes
    ]


def test_preview_leaves_out_drafts_whose_change_nobody_sees(edition):
    Talk.objects.filter(slug="sky").update(start=None, end=None, room=None)

    shown = preview(edition)

    assert (shown.changes, shown.speakers) == ([], [])


@pytest.mark.parametrize("changed", [1, 2])
def test_preview_takes_three_queries(edition, changed, django_assert_num_queries):
    Talk.objects.filter(slug__in=["lmcache", "sky"][:changed]).update(status="cancelled")

    # The held talks, their speakers, the last release's number.
    with django_assert_num_queries(3):
        shown = preview(edition)

    assert len(shown.changes) == changed
    assert len(shown.speakers) == changed


def test_preview_of_a_talk_cancelled_and_moved_says_both(edition):
    hall = RoomFactory(conference=edition, name="Hall B")
    Talk.objects.filter(slug="lmcache").update(status="cancelled", room=hall)

    shown = preview(edition)

    assert summary(shown) == [
        (
            "cancelled",
            "lmcache",
            "Monday, May 18, 9:50–10:15 AM PDT in Grand Ballroom 1",
            "Monday, May 18, 9:50–10:15 AM PDT in Hall B",
        )
    ]
    assert [(speaker.name, [talk.slug for talk in talks]) for speaker, talks in shown.speakers] == [
        ("Yuhan Liu", ["lmcache"])
    ]


def test_the_fingerprint_changes_with_any_held_change(edition):
    first = preview(edition).fingerprint
    Talk.objects.filter(slug="lmcache").update(end=local("2026-05-18", 10, 20))
    second = preview(edition).fingerprint
    Talk.objects.filter(slug="lmcache").update(end=local("2026-05-18", 10, 25))

    assert len({first, second, preview(edition).fingerprint}) == 3
    assert preview(edition).fingerprint == preview(edition).fingerprint


def test_release_as_seen_releases_what_was_seen(edition):
    Talk.objects.filter(slug="lmcache").update(status="cancelled")
    seen = preview(edition).fingerprint

    made = release_as_seen(edition, seen, name="Final")

    assert (made.number, made.name, made.changes) == (2, "Final", 1)
    assert Talk.objects.published().get(slug="lmcache").status == "cancelled"


def test_release_as_seen_of_changes_made_since_releases_nothing(edition):
    seen = preview(edition).fingerprint
    Talk.objects.filter(slug="lmcache").update(status="cancelled")

    with pytest.raises(Outdated):
        release_as_seen(edition, seen, name="Final")

    assert list(edition.releases.values_list("number", flat=True)) == [1]
    assert Talk.objects.published().get(slug="lmcache").status == "published"

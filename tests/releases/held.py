"""An edition that holds every kind of change for release: the data of tests/releases/.

RELEASE_1 is its public program while the changes are held, RELEASE_2 once released.
"""

from program.models import Conference, Talk
from program.releases import release
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TrackFactory,
    local,
)

ROOMS = {"ballroom": "Ballroom", "hall-b": "Hall B", "annex": "Annex", "studio": "Studio"}
ROOM_SLUGS = {name: slug for slug, name in ROOMS.items()}


def monday(hour, minute=0):
    return local("2026-05-18", hour, minute)


def tuesday(hour, minute=0):
    return local("2026-05-19", hour, minute)


PUBLISHED, CANCELLED = "published", "cancelled"

# slug -> (start, end, room slug, status): the public program of release 1 and of release 2.
RELEASE_1 = {
    "stays": (monday(9), monday(9, 25), "ballroom", PUBLISHED),
    "moved": (monday(10), monday(10, 25), "ballroom", PUBLISHED),
    "roomed": (monday(11), monday(11, 25), "ballroom", PUBLISHED),
    "retimed": (monday(12), monday(12, 25), "hall-b", PUBLISHED),
    "cancelled": (monday(13), monday(13, 25), "hall-b", PUBLISHED),
    "reinstated": (monday(15), monday(15, 25), "hall-b", CANCELLED),
    "removed": (monday(16), monday(16, 25), "studio", PUBLISHED),
}
RELEASE_2 = {
    "stays": (monday(9), monday(9, 25), "ballroom", PUBLISHED),
    "added": (monday(9, 10), monday(9, 35), "annex", PUBLISHED),
    "roomed": (monday(11), monday(11, 25), "hall-b", PUBLISHED),
    "retimed": (monday(12), monday(12, 50), "hall-b", PUBLISHED),
    "cancelled": (monday(13), monday(13, 25), "hall-b", CANCELLED),
    "reinstated": (monday(15), monday(15, 25), "hall-b", PUBLISHED),
    "moved": (tuesday(10), tuesday(10, 25), "ballroom", PUBLISHED),
}
TITLES = {slug: slug.capitalize() for slug in [*RELEASE_1, "added", "waiting"]}
# At Monday 12:10: per room, the talks in progress and the next ones (cancelled left out).
NOW_1 = {"hall-b": (["retimed"], ["cancelled"]), "studio": ([], ["removed"])}
NOW_2 = {"ballroom": ([], ["moved"]), "hall-b": (["retimed"], ["reinstated"])}
AT = "2026-05-18T19:10:00Z"


def held_edition():
    """An edition published and holding changes since its program stood as RELEASE_1, with
    every kind of change held: added, removed, moved in time (to another day), moved to
    another room, retimed (end only), cancelled, reinstated, and an unscheduled draft."""
    edition = ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)
    rooms = {
        slug: RoomFactory(conference=edition, slug=slug, name=name, position=position)
        for position, (slug, name) in enumerate(ROOMS.items())
    }
    systems = TrackFactory(conference=edition, slug="systems", name="Systems")
    legacy = TrackFactory(conference=edition, slug="legacy", name="Legacy")
    sam = SpeakerFactory(slug="sam-stay", name="Sam Stay")
    rex = SpeakerFactory(slug="rex-removed", name="Rex Removed")
    for slug, (start, end, room, status) in RELEASE_1.items():
        TalkFactory(
            conference=edition,
            slug=slug,
            title=TITLES[slug],
            start=start,
            end=end,
            room=rooms[room],
            status=status,
            track={"stays": systems, "removed": legacy}.get(slug),
            speakers=[rex if slug == "removed" else sam],
        )
    edition.holds_changes = True
    edition.save()

    # Held changes, through each path of the ORM.
    fresh = TrackFactory(conference=edition, slug="fresh", name="Fresh")
    TalkFactory(
        conference=edition,
        slug="added",
        title="Added",
        start=monday(9, 10),
        end=monday(9, 35),
        room=rooms["annex"],
        track=fresh,
        speakers=[SpeakerFactory(slug="nia-new", name="Nia New")],
    )
    Talk.objects.filter(slug="removed").update(status=Talk.Status.DRAFT)
    moved = Talk.objects.get(slug="moved")
    moved.start, moved.end = tuesday(10), tuesday(10, 25)
    moved.save()
    Talk.objects.filter(slug="roomed").update(room=rooms["hall-b"])
    retimed = Talk.objects.get(slug="retimed")
    retimed.end = monday(12, 50)
    retimed.save(update_fields=["end"])
    Talk.objects.filter(slug="cancelled").set_status(Talk.Status.CANCELLED)
    reinstated = Talk.objects.get(slug="reinstated")
    reinstated.status = Talk.Status.PUBLISHED
    reinstated.save()
    TalkFactory(
        conference=edition,
        slug="waiting",
        title="Waiting",
        start=None,
        end=None,
        room=None,
        status=Talk.Status.DRAFT,
        speakers=[sam],
    )
    return Conference.objects.get(pk=edition.pk)


def release_2(edition):
    return release(edition, name="Final", note="Rooms settled.")


def ids():
    return dict(Talk.objects.values_list("slug", "pk"))

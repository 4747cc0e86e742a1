"""An edition's Release page (program/admin/releases.py): the preview of what a release
changes, the form that releases, the edition's releases; and "Hold changes for release" on
the edition's form."""

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from program.admin.releases import STALE
from program.models import Conference, Release, Talk
from program.releases import FIRST_NAME
from tests.admin.helpers import admin_url, form_data
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [(message.level, message.message) for message in response.context["messages"]]


def release_url(conference):
    return reverse("admin:program_conference_release", args=[conference.pk])


def texts(response, xpath):
    page = lxml.html.fromstring(response.content.decode())
    return [" ".join(node.text_content().split()) for node in page.xpath(xpath)]


def release_rows(response):
    """The cells of the releases table, row by row."""
    page = lxml.html.fromstring(response.content.decode())
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
        for row in page.xpath("//table[@class='release-list']/tbody/tr")
    ]


def public_slots(conference):
    """{slug: (status, start, room name)} as the public sees the edition."""
    return {
        talk.slug: (talk.status, talk.start, talk.room.name)
        for talk in Talk.objects.published()
        .filter(conference=conference)
        .select_related("public_room")
    }


@pytest.fixture
def hall(edition):
    return RoomFactory(conference=edition, name="Hall B", slug="hall-b")


@pytest.fixture
def held(edition, ballroom, hall):
    """MLSys 2026 holding changes since its release 1, with one talk of each kind of
    change waiting: {slug: talk}."""
    yuhan, ion = SpeakerFactory(name="Yuhan Liu"), SpeakerFactory(name="Ion Stoica")
    talks = {}
    for slug, hour, minute, status, speakers in [
        ("lmcache", 9, 50, "published", [yuhan]),
        ("vllm", 10, 30, "published", [ion]),
        ("ray", 11, 0, "published", [ion, yuhan]),
        ("sky", 14, 0, "draft", [ion]),
        ("flash", 15, 0, "cancelled", [yuhan]),
        ("quiet", 16, 0, "published", [yuhan]),
        ("later", 17, 0, "published", [ion]),
    ]:
        talks[slug] = TalkFactory(
            conference=edition,
            room=ballroom,
            title=slug.capitalize(),
            slug=slug,
            status=status,
            start=local("2026-05-18", hour, minute),
            speakers=speakers,
        )
    edition.holds_changes = True
    edition.save()
    Talk.objects.filter(slug="lmcache").update(
        start=local("2026-05-19", 11, 30), end=local("2026-05-19", 11, 55), room=hall
    )
    Talk.objects.filter(slug="vllm").update(status="cancelled")
    Talk.objects.filter(slug="ray").update(status="draft")
    Talk.objects.filter(slug="sky").update(status="published")
    Talk.objects.filter(slug="flash").update(status="published")
    Talk.objects.filter(slug="later").update(end=local("2026-05-18", 17, 40))
    return talks


# The page -----------------------------------------------------------------------------------


def test_release_page_previews_each_kind_of_change_from_where_to_where(organiser_client, held):
    response = organiser_client.get(release_url(held["lmcache"].conference))

    assert response.status_code == 200
    assert texts(response, "//div[@class='module']/h3") == [
        "Added (1)",
        "Moved (1)",
        "Retimed (same start and room, another end) (1)",
        "Cancelled (1)",
        "Reinstated (no longer cancelled) (1)",
        "Removed (back to draft) (1)",
        "Speakers of these talks (2)",
    ]
    assert texts(response, "//ul[@class='release-changes']/li") == [
        "Sky: Monday, May 18, 2:00–2:25 PM PDT in Grand Ballroom 1",
        "Lmcache: from Monday, May 18, 9:50–10:15 AM PDT in Grand Ballroom 1 "
        "to Tuesday, May 19, 11:30–11:55 AM PDT in Hall B",
        "Later: from Monday, May 18, 5:00–5:25 PM PDT in Grand Ballroom 1 "
        "to Monday, May 18, 5:00–5:40 PM PDT in Grand Ballroom 1",
        "Vllm: Monday, May 18, 10:30–10:55 AM PDT in Grand Ballroom 1",
        "Flash: Monday, May 18, 3:00–3:25 PM PDT in Grand Ballroom 1",
        "Ray: Monday, May 18, 11:00–11:25 AM PDT in Grand Ballroom 1",
    ]
    assert texts(response, "//ul[@class='release-speakers']/li") == [
        "Ion Stoica: Sky; Later; Vllm; Ray",
        "Yuhan Liu: Lmcache; Flash; Ray",
    ]
    assert texts(response, "//p[@class='release-state']") == [
        "6 talks will change for the public. Until you release, the public pages, feeds and "
        "API show the program as it stood at the last release."
    ]
    assert [row[:3] + row[4:] for row in release_rows(response)] == [
        ["1", FIRST_NAME, "", "—", "0"]
    ]


def test_release_page_lists_the_releases_newest_first_with_who_and_when(
    organiser_client, edition, django_user_model
):
    edition.holds_changes = True
    edition.save()
    Release.objects.filter(conference=edition).update(released_at=local("2026-05-01", 12))
    someone = django_user_model.objects.create_user("ana", is_staff=True)
    Release.objects.create(
        conference=edition,
        number=2,
        name="Final",
        note="Room change for Tuesday.",
        released_at=local("2026-05-10", 9, 30),
        released_by=someone,
        changes=4,
    )

    response = organiser_client.get(release_url(edition))

    assert texts(response, "//table[@class='release-list']/thead//th") == [
        "Number", "Name", "Note", "Released", "By", "Changes"
    ]  # fmt: skip
    assert release_rows(response) == [
        ["2", "Final", "Room change for Tuesday.", "May 10, 2026, 9:30 a.m. PDT", "ana", "4"],
        ["1", FIRST_NAME, "", "May 1, 2026, noon PDT", "—", "0"],
    ]


@pytest.mark.parametrize("changed", [1, 3])
def test_release_page_query_count(
    organiser_client, edition, ballroom, changed, django_assert_num_queries
):
    speakers = [SpeakerFactory(name=f"Speaker {n}") for n in range(changed)]
    for n in range(changed):
        TalkFactory(conference=edition, room=ballroom, slug=f"t{n}", speakers=[speakers[n]])
    edition.holds_changes = True
    edition.save()
    Talk.objects.filter(conference=edition).update(room=RoomFactory(conference=edition))

    # Session, user, edition, held talks, their speakers, the last release's number,
    # releases (with who released).
    with django_assert_num_queries(7):
        response = organiser_client.get(release_url(edition))

    assert len(texts(response, "//ul[@class='release-changes']/li")) == changed


def test_release_releases_what_the_preview_showed_and_says_so(organiser_client, held):
    edition = held["lmcache"].conference
    page = organiser_client.get(release_url(edition))
    before = public_slots(edition)

    response = organiser_client.post(
        release_url(edition),
        form_data_of(page, {"name": "Final", "note": "Tuesday's room change."}),
        follow=True,
    )

    assert response.redirect_chain == [(release_url(edition), 302)]
    assert messages_of(response) == [(25, "Release 2, “Final”, is public: 6 changes.")]
    made = Release.objects.get(conference=edition, number=2)
    assert (made.name, made.note, made.released_by.username, made.changes) == (
        "Final",
        "Tuesday's room change.",
        "organiser",
        6,
    )
    after = public_slots(edition)
    assert before["lmcache"] == ("published", local("2026-05-18", 9, 50), "Grand Ballroom 1")
    assert after["lmcache"] == ("published", local("2026-05-19", 11, 30), "Hall B")
    assert sorted(after) == ["flash", "later", "lmcache", "quiet", "sky", "vllm"]
    assert after["vllm"][0] == "cancelled"
    assert after["flash"][0] == "published"
    entry = LogEntry.objects.get(object_id=str(edition.pk), content_type__model="conference")
    assert entry.get_change_message() == "Released 2, “Final”: 6 changes."
    assert texts(response, "//ul[@class='release-changes']/li") == []


def form_data_of(page, changes):
    """The release form's fields as the browser sends them, with ``changes``."""
    return form_data(page, "release_form", changes)


def test_release_without_a_name_is_refused_keeping_the_note(organiser_client, held):
    edition = held["lmcache"].conference
    page = organiser_client.get(release_url(edition))

    response = organiser_client.post(
        release_url(edition), form_data_of(page, {"name": "", "note": "Kept as typed."})
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert "Kept as typed.</textarea>" in response.content.decode()
    assert list(edition.releases.values_list("number", flat=True)) == [1]


def test_release_of_changes_made_after_the_preview_is_refused_keeping_the_name(
    organiser_client, held
):
    edition = held["lmcache"].conference
    page = organiser_client.get(release_url(edition))
    Talk.objects.filter(slug="quiet").update(status="cancelled")  # another organiser, meanwhile

    response = organiser_client.post(
        release_url(edition), form_data_of(page, {"name": "Final", "note": "As typed."})
    )

    assert response.status_code == 200
    assert messages_of(response) == [(40, STALE)]
    assert list(edition.releases.values_list("number", flat=True)) == [1]
    assert "Quiet: Monday, May 18, 4:00–4:25 PM PDT" in " ".join(
        texts(response, "//ul[@class='release-changes']/li")
    )
    again = organiser_client.post(release_url(edition), form_data_of(response, {}), follow=True)
    assert messages_of(again) == [(25, "Release 2, “Final”, is public: 7 changes.")]


def test_with_nothing_held_the_page_says_so_and_a_release_renames_the_program(
    organiser_client, edition, ballroom
):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache")
    edition.holds_changes = True
    edition.save()

    page = organiser_client.get(release_url(edition))
    response = organiser_client.post(
        release_url(edition), form_data_of(page, {"name": "Final"}), follow=True
    )

    assert texts(page, "//p[@class='release-state']") == [
        "Nothing waits for release: the public sees the program as it stands. You may still "
        "release, to give the program as it stands a new name (schedule apps show the name of "
        "the last release as the schedule's version)."
    ]
    assert messages_of(response) == [(25, "Release 2, “Final”, is public: no changes.")]


def test_an_edition_that_does_not_hold_changes_offers_no_release(
    organiser_client, edition, ballroom
):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache")

    page = organiser_client.get(release_url(edition))
    response = organiser_client.post(release_url(edition), {"name": "Final", "seen": "x"})

    assert texts(page, "//p[@class='release-state']") == [
        "MLSys 2026 does not hold changes: every change is public as soon as it is saved. To "
        "make changes wait until you release them, tick “Hold changes for release” on the "
        "edition's page."
    ]
    assert b'name="name"' not in page.content
    assert messages_of(response) == [
        (40, "Nothing was released: MLSys 2026 does not hold changes.")
    ]
    assert Release.objects.count() == 0


def test_release_page_of_an_unknown_edition_is_404(organiser_client):
    assert organiser_client.get("/admin/program/conference/999/release/").status_code == 404
    assert organiser_client.get("/admin/program/conference/x/release/").status_code == 404


# Permissions --------------------------------------------------------------------------------


def staff_client(*codenames):
    user = User.objects.create_user("staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("codenames", "status"),
    [
        (["change_talk"], 200),
        (["view_talk"], 403),
        (["view_conference", "change_conference", "view_talk", "add_talk", "delete_talk"], 403),
    ],
)
def test_release_page_needs_can_change_talk(held, codenames, status):
    edition = held["lmcache"].conference
    client = staff_client(*codenames)

    shown = client.get(release_url(edition))
    posted = client.post(release_url(edition), {"name": "Final", "seen": "x"})

    assert (shown.status_code, posted.status_code) == (status, 200 if status == 200 else 403)
    if status == 403:
        assert texts(shown, "//p[@class='errornote']") == [
            "Releasing an edition's changes needs the permission “Can change talk”, which "
            "your account lacks."
        ]
    assert list(edition.releases.values_list("number", flat=True)) == [1]


def test_release_page_opens_for_a_superuser(organiser_client, held):
    assert organiser_client.get(release_url(held["lmcache"].conference)).status_code == 200


def test_release_page_sends_anonymous_visitors_to_log_in(client, held):
    url = release_url(held["lmcache"].conference)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


# Holding changes on the edition's form ------------------------------------------------------


def test_edition_page_links_to_its_release_page_saying_what_waits(organiser_client, held):
    edition = held["lmcache"].conference

    response = organiser_client.get(admin_url("conference", "change", edition.pk))

    assert texts(response, "//div[contains(@class, 'field-releases')]//div[@class='readonly']") == [
        "6 changes wait for release. Release page"
    ]
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//div[contains(@class, 'field-releases')]//a/@href") == [
        release_url(edition)
    ]


def test_switching_holding_on_in_the_form_makes_release_1(organiser_client, edition, ballroom):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache")
    url = admin_url("conference", "change", edition.pk)
    page = organiser_client.get(url)

    response = organiser_client.post(
        url, form_data(page, "conference_form", {"holds_changes": "on"}), follow=True
    )

    assert messages_of(response)[0] == (
        25,
        f"MLSys 2026 holds changes for release now: the program as it stands is release 1, "
        f"“{FIRST_NAME}”. Talks added, moved, cancelled or removed wait until you release them "
        "on its Release page; titles, abstracts, speakers and materials are public at once.",
    )
    assert Conference.objects.get().holds_changes is True
    # The Release page's list says who made it: the organiser who switched holding on.
    assert list(edition.releases.values_list("number", "name", "released_by__username")) == [
        (1, FIRST_NAME, "organiser")
    ]


def test_switching_holding_off_in_the_form_makes_the_held_changes_public(organiser_client, held):
    edition = held["lmcache"].conference
    url = admin_url("conference", "change", edition.pk)
    page = organiser_client.get(url)

    response = organiser_client.post(
        url, form_data(page, "conference_form", {"holds_changes": None}), follow=True
    )

    assert messages_of(response)[0] == (
        25,
        "MLSys 2026 no longer holds changes: the 6 changes that were waiting are public "
        "now, and every change is public as soon as it is saved.",
    )
    assert public_slots(edition)["lmcache"] == (
        "published",
        local("2026-05-19", 11, 30),
        "Hall B",
    )
    assert list(edition.releases.values_list("number", flat=True)) == [1]


def test_saving_the_edition_without_switching_says_nothing_of_holding(organiser_client, held):
    edition = held["lmcache"].conference
    url = admin_url("conference", "change", edition.pk)
    page = organiser_client.get(url)

    response = organiser_client.post(
        url, form_data(page, "conference_form", {"venue": "Meydenbauer Center"}), follow=True
    )

    assert [level for level, _ in messages_of(response)] == [25]
    assert "holds" not in messages_of(response)[0][1]
    assert public_slots(edition)["lmcache"][1] == local("2026-05-18", 9, 50)


def test_a_new_edition_may_hold_changes_from_the_start(organiser_client):
    page = organiser_client.get(admin_url("conference", "add"))
    data = form_data(
        page,
        "conference_form",
        {
            "name": "MLSys 2027",
            "slug": "2027",
            "start_date": "2027-05-17",
            "end_date": "2027-05-20",
            "timezone": "America/Los_Angeles",
            "holds_changes": "on",
        },
    )

    organiser_client.post(admin_url("conference", "add"), data)

    assert list(
        Conference.objects.get(slug="2027").releases.values_list("number", "released_by__username")
    ) == [(1, "organiser")]


def test_other_editions_are_untouched_by_a_release(organiser_client, held):
    other = ConferenceFactory(slug="2025", name="MLSys 2025")
    TalkFactory(conference=other, slug="old")
    edition = held["lmcache"].conference
    page = organiser_client.get(release_url(edition))

    organiser_client.post(release_url(edition), form_data_of(page, {"name": "Final"}))

    assert other.releases.count() == 0


def test_a_second_click_on_release_releases_nothing_more(organiser_client, edition, ballroom):
    TalkFactory(conference=edition, room=ballroom, slug="lmcache")
    edition.holds_changes = True
    edition.save()

    page = organiser_client.get(release_url(edition))
    data = form_data_of(page, {"name": "Final"})
    organiser_client.post(release_url(edition), data, follow=True)
    again = organiser_client.post(release_url(edition), data)

    assert list(edition.releases.order_by("number").values_list("number", "name")) == [
        (1, FIRST_NAME),
        (2, "Final"),
    ]
    assert messages_of(again) == [(40, STALE)]

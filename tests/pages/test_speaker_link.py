"""A speaker's private link, /<edition>/speaker/<token>/: its whole life (issued, used,
changed, revoked, expired, altered, replayed), what it may touch, its form, its headers and
its calendar file."""

import datetime as dt
import io
import shutil

import icalendar
import lxml.html
import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from program import speaker_changes, speaker_links
from program.machinery.private import GUESS_NAME
from program.models import Resource, Speaker, SpeakerChange, SpeakerLink, Talk
from tests.domain.test_photos import bomb_png
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    local,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026")


@pytest.fixture
def yuhan():
    return SpeakerFactory(
        name="Yuhan Liu", slug="yuhan-liu", affiliation="University of Chicago", bio="KV caches."
    )


@pytest.fixture
def lmcache(edition, yuhan):
    room = RoomFactory(conference=edition, name="Grand Ballroom 1", slug="grand-ballroom-1")
    talk = TalkFactory(
        conference=edition,
        title="LMCache",
        slug="lmcache",
        room=room,
        start=local("2026-05-18", 9, 50),
        end=local("2026-05-18", 10, 15),
        speakers=[yuhan],
    )
    ResourceFactory(
        talk=talk, kind="slides", url="https://slides.example.org/lmcache.pdf", position=0
    )
    return talk


@pytest.fixture
def token(lmcache, yuhan, edition):
    return speaker_links.issue(yuhan, edition)


def link_url(token, edition="2026"):
    return f"/{edition}/speaker/{token}/"


def snapshot():
    """What a link may change, as rows: the database's state for "nothing changed"."""
    return {
        "speakers": list(Speaker.objects.order_by("pk").values()),
        "talks": list(Talk.objects.order_by("pk").values("pk", "title", "start", "end")),
        "resources": list(Resource.objects.order_by("pk").values()),
        "links": list(SpeakerLink.objects.order_by("pk").values()),
        "changes": list(SpeakerChange.objects.order_by("pk").values()),
        "history": Speaker.history.count() + Resource.history.count(),
    }


def form_data(response, **changes):
    """The page's form as a browser submits it, with ``changes`` (None removes a field)."""
    form = lxml.html.fromstring(response.content.decode()).xpath("//form[@method='post']")[0]
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def page_text(response, part="//body"):
    (element,) = lxml.html.fromstring(response.content.decode()).xpath(part)
    return " ".join(" ".join(element.itertext()).split())


def field_errors(response):
    page = lxml.html.fromstring(response.content.decode())
    return [" ".join(p.text_content().split()) for p in page.xpath("//p[@class='field-error']")]


# The link's life ----------------------------------------------------------------------------


def test_an_issued_link_opens_the_speaker_s_page(client, token, lmcache):
    response = client.get(link_url(token))

    assert response.status_code == 200
    text = page_text(response)
    assert "Your private page for MLSys 2026" in text
    assert "LMCache Day Monday, May 18 Time 9:50–10:15 AM PDT Room Grand Ballroom 1" in text
    assert "Your changes wait for an organiser's approval" in text
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//input[@name='name']/@value") == ["Yuhan Liu"]
    assert page.xpath(f"//input[@name='talk-{lmcache.pk}-0-url']/@value") == [
        "https://slides.example.org/lmcache.pdf"
    ]
    # The speaker's own time beside the venue's: site.js reads this element.
    assert page.xpath("//time[@data-viewer-time]/@datetime") == ["2026-05-18T09:50:00-07:00"]
    assert page.xpath("//a[@href=$u]", u=f"/2026/speaker/{token}/calendar.ics")


def test_opening_the_link_notes_when_it_was_used(client, token, set_clock):
    set_clock("2026-05-01", 10)

    client.get(link_url(token))

    assert SpeakerLink.objects.get().last_used_at == local("2026-05-01", 10)


def test_answers_are_private_and_never_cached(client, token):
    for url in (link_url(token), link_url(token) + "calendar.ics", link_url("x" * 43)):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store, private"
        assert response["Referrer-Policy"] == "strict-origin"
        assert response["X-Robots-Tag"] == "noindex"
        assert not response.has_header("ETag")


def test_a_change_waits_for_approval_and_public_pages_stay_as_they_were(client, token, lmcache):
    page = client.get(link_url(token))
    public_before = client.get("/2026/speakers/yuhan-liu/").content

    response = client.post(link_url(token), form_data(page, bio="Builds KV cache layers."))

    assert response.status_code == 303
    assert response["Location"] == link_url(token) + "?saved=pending"
    change = SpeakerChange.objects.get()
    assert (change.status, change.values) == ("pending", {"bio": "Builds KV cache layers."})
    assert Speaker.objects.get(slug="yuhan-liu").bio == "KV caches."
    assert client.get("/2026/speakers/yuhan-liu/").content == public_before
    shown = page_text(client.get(response["Location"]))
    assert "Saved. Your changes wait for an organiser's approval" in shown
    assert "Waiting for approval" in shown
    assert "Bio Builds KV cache layers." in shown


def test_an_approved_change_shows_on_the_public_speaker_page(client, token, django_user_model):
    page = client.get(link_url(token))
    client.post(link_url(token), form_data(page, bio="Builds KV cache layers."))
    organiser = django_user_model.objects.create_user("organiser", is_staff=True)

    assert speaker_changes.approve(SpeakerChange.objects.all(), user=organiser) == 1

    public = page_text(client.get("/2026/speakers/yuhan-liu/"))
    assert "About Builds KV cache layers." in public
    assert "Waiting for approval" not in page_text(client.get(link_url(token)))


def test_with_approval_off_a_change_is_public_at_once(client, token, edition, lmcache):
    edition.speaker_changes_need_approval = False
    edition.save()
    page = client.get(link_url(token))

    response = client.post(
        link_url(token),
        form_data(
            page,
            affiliation="LMCache Lab",
            **{
                f"talk-{lmcache.pk}-1-kind": "code",
                f"talk-{lmcache.pk}-1-url": "https://code.example.org/lmcache",
            },
        ),
    )

    assert response["Location"] == link_url(token) + "?saved=live"
    assert SpeakerChange.objects.get().status == "live"
    assert Speaker.objects.get(slug="yuhan-liu").affiliation == "LMCache Lab"
    assert list(Resource.objects.filter(talk=lmcache).values_list("kind", "url")) == [
        ("slides", "https://slides.example.org/lmcache.pdf"),
        ("code", "https://code.example.org/lmcache"),
    ]
    talk_page = page_text(client.get("/2026/talks/lmcache/"))
    assert "Code" in talk_page
    assert "code.example.org" in talk_page
    assert "Saved. Your changes are on the public pages now." in page_text(
        client.get(response["Location"])
    )


def test_a_revoked_link_answers_410_and_changes_nothing(client, token, yuhan, edition):
    page = client.get(link_url(token))
    speaker_links.revoke(SpeakerLink.objects.all())
    before = snapshot()

    assert client.get(link_url(token)).status_code == 410
    # Replayed after the revocation: the form it showed saves nothing.
    replay = client.post(link_url(token), form_data(page, bio="Replayed."))

    assert replay.status_code == 410
    assert "Link no longer works" in page_text(replay)
    assert "Yuhan" not in replay.content.decode()
    assert snapshot() == before


def test_an_expired_link_answers_410_and_changes_nothing(client, token, edition, set_clock):
    edition.speaker_edit_until = local("2026-05-10", 18)
    edition.save()
    set_clock("2026-05-10", 17, 59)
    assert client.get(link_url(token)).status_code == 200
    set_clock("2026-05-10", 18)
    before = snapshot()

    response = client.get(link_url(token))

    assert response.status_code == 410
    assert snapshot() == before


@pytest.mark.parametrize("position", [0, 20, 42])
def test_a_link_altered_by_one_character_answers_404_and_changes_nothing(client, token, position):
    altered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    before = snapshot()

    response = client.get(link_url(altered))

    assert response.status_code == 404
    text = page_text(response)
    assert "Link not found" in text
    assert "Yuhan" not in text
    assert snapshot() == before


def test_a_link_of_one_edition_under_another_edition_s_address_answers_404(client, token):
    ConferenceFactory(slug="2025", name="MLSys 2025")
    before = snapshot()

    assert client.get(link_url(token, edition="2025")).status_code == 404
    assert client.get(link_url(token, edition="2025") + "calendar.ics").status_code == 404
    assert snapshot() == before


def test_404_and_410_pages_are_the_same_whoever_s_link_it_was(client, token):
    other = speaker_links.issue(SpeakerFactory(name="Ion Stoica"), ConferenceFactory(slug="2025"))
    speaker_links.revoke(SpeakerLink.objects.all())

    gone = [client.get(link_url(t, e)) for t, e in ((token, "2026"), (other, "2025"))]
    unknown = [client.get(link_url("z" * 43, e)) for e in ("2026", "2025")]

    assert [page_text(response, "//main") for response in gone] == [
        "Offline copy Link no longer works This private link has been replaced or revoked, or "
        "the time for changes is over. If you still need to make a change, ask the organisers "
        "for a new link. Go to the current program ."
    ] * 2
    assert page_text(unknown[0], "//main") == page_text(unknown[1], "//main")
    assert "Link not found" in page_text(unknown[0], "//main")


# What a link may touch -----------------------------------------------------------------------


def test_a_post_naming_another_speaker_s_talk_is_refused_and_changes_nothing(
    client, token, edition
):
    other_talk = TalkFactory(conference=edition, title="Sky", slug="sky")
    ResourceFactory(talk=other_talk, url="https://slides.example.org/sky.pdf")
    page = client.get(link_url(token))
    before = snapshot()
    prefix = f"talk-{other_talk.pk}"
    forged = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-kind": "slides",
        f"{prefix}-0-url": "https://evil.example.org/",
    }

    response = client.post(link_url(token), form_data(page, bio="Changed too.", **forged))

    assert response.status_code == 400
    assert response.content.decode() == (
        "This link edits the materials of your own talks in this edition only: nothing was saved.\n"
    )
    assert snapshot() == before


def test_submit_refuses_another_talk_whatever_the_form_does(token, edition):
    link = speaker_links.find("2026", token)
    other_talk = TalkFactory(conference=edition)

    with pytest.raises(ValueError, match="their own talks only"):
        speaker_changes.submit(link, resources={other_talk: []})


def test_the_form_cannot_change_a_talk_s_title_or_time(client, token, lmcache):
    page = client.get(link_url(token))
    before = snapshot()["talks"]

    client.post(
        link_url(token),
        form_data(page, title="Renamed", start="2026-05-19T09:00", room="1", slug="renamed"),
    )

    assert snapshot()["talks"] == before


def test_a_link_of_another_edition_shows_and_edits_only_that_edition_s_talks(
    client, yuhan, lmcache
):
    older = ConferenceFactory(slug="2025", name="MLSys 2025")
    old_talk = TalkFactory(conference=older, title="Old talk", slug="old-talk", speakers=[yuhan])
    token_2025 = speaker_links.issue(yuhan, older)

    page = client.get(link_url(token_2025, "2025"))

    text = page_text(page)
    assert "Old talk" in text
    assert "LMCache" not in text
    assert list(page.context["profile"].fields) == [
        "name",
        "affiliation",
        "bio",
        "photo",
        "remove_photo",
    ]
    assert f"talk-{old_talk.pk}-TOTAL_FORMS" in form_data(page)
    forged = client.post(
        link_url(token_2025, "2025"),
        form_data(page, **{f"talk-{lmcache.pk}-TOTAL_FORMS": "0"}),
    )
    assert forged.status_code == 400


# The form ------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(token):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link_url(token))
    before = snapshot()

    response = browser.post(
        link_url(token), form_data(page, bio="Forged.", csrfmiddlewaretoken=None)
    )

    assert response.status_code == 403
    assert snapshot() == before


def test_with_the_token_the_same_post_saves(token):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link_url(token))

    response = browser.post(link_url(token), form_data(page, bio="Real."))

    assert response.status_code == 303
    assert SpeakerChange.objects.get().values == {"bio": "Real."}


def test_an_invalid_part_keeps_its_text_and_error_while_the_others_are_saved(
    client, token, lmcache
):
    page = client.get(link_url(token))

    response = client.post(
        link_url(token),
        form_data(
            page,
            name="",
            bio="A new bio.",
            **{f"talk-{lmcache.pk}-1-url": "javascript:alert(1)"},
        ),
    )

    assert response.status_code == 200
    assert field_errors(response) == [
        "Your name cannot be empty: it is how the program names you. It was left as it was.",
        "Enter a web address that starts with http:// or https://.",
    ]
    assert "Some parts were not saved" in page_text(response)
    typed = lxml.html.fromstring(response.content.decode())
    assert typed.xpath(f"//input[@name='talk-{lmcache.pk}-1-url']/@value") == [
        "javascript:alert(1)"
    ]
    assert typed.xpath("//textarea[@name='bio']/text()") == ["\nA new bio."]
    change = SpeakerChange.objects.get()
    assert (change.values, change.resources) == ({"bio": "A new bio."}, {})
    assert Resource.objects.filter(talk=lmcache).count() == 1


def test_materials_are_added_reordered_retitled_and_removed(client, token, edition, lmcache):
    edition.speaker_changes_need_approval = False
    edition.save()
    ResourceFactory(
        talk=lmcache, kind="paper", url="https://papers.example.org/lmcache", position=5
    )
    page = client.get(link_url(token))
    p = f"talk-{lmcache.pk}"

    client.post(
        link_url(token),
        form_data(
            page,
            **{
                f"{p}-0-ORDER": "2",  # the slides go second
                f"{p}-1-ORDER": "1",
                f"{p}-1-title": "Preprint",
                f"{p}-2-kind": "video",
                f"{p}-2-url": "https://video.example.org/lmcache",
                f"{p}-2-ORDER": "3",
            },
        ),
    )
    assert speaker_changes.materials(lmcache) == [
        {"kind": "paper", "url": "https://papers.example.org/lmcache", "title": "Preprint"},
        {"kind": "slides", "url": "https://slides.example.org/lmcache.pdf", "title": ""},
        {"kind": "video", "url": "https://video.example.org/lmcache", "title": ""},
    ]

    page = client.get(link_url(token))
    client.post(link_url(token), form_data(page, **{f"{p}-0-DELETE": "on"}))
    assert [item["kind"] for item in speaker_changes.materials(lmcache)] == ["slides", "video"]


def test_taking_back_a_pending_change_leaves_nothing_waiting(client, token):
    page = client.get(link_url(token))
    client.post(link_url(token), form_data(page, bio="Second thoughts."))
    assert SpeakerChange.objects.get().values == {"bio": "Second thoughts."}

    page = client.get(link_url(token))  # shows the waiting bio
    client.post(link_url(token), form_data(page, bio="KV caches."))

    assert SpeakerChange.objects.count() == 0


def test_a_bio_resent_with_browser_line_ends_is_no_change(client, token, yuhan):
    yuhan.bio = "First paragraph.\n\nSecond."
    yuhan.save()
    page = client.get(link_url(token))

    response = client.post(link_url(token), form_data(page, bio="First paragraph.\r\n\r\nSecond."))

    assert response["Location"] == link_url(token) + "?saved=unchanged"
    assert SpeakerChange.objects.count() == 0


def jpeg(size=(400, 500)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_photo_goes_through_the_admin_s_checks_and_waits(client, token):
    page = client.get(link_url(token))

    response = client.post(
        link_url(token),
        form_data(page, photo=SimpleUploadedFile("me.jpg", jpeg(), content_type="image/jpeg")),
    )

    assert response.status_code == 303
    change = SpeakerChange.objects.get()
    assert (change.photo_width, change.photo_height) == (400, 500)
    assert Speaker.objects.get(slug="yuhan-liu").photo == ""
    shown = lxml.html.fromstring(client.get(link_url(token)).content.decode())
    assert shown.xpath("//img[@class='pending-photo']/@alt") == ["Your new photo"]
    assert shown.xpath("//input[@name='remove_photo']")  # a waiting photo can be taken back


def test_a_hostile_photo_is_refused_and_the_rest_saved(client, token, media_root):
    page = client.get(link_url(token))

    response = client.post(
        link_url(token),
        form_data(
            page,
            bio="Still saved.",
            photo=SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png"),
        ),
    )

    assert response.status_code == 200
    assert field_errors(response) == [
        "“bomb.png” has more than 89,478,485 pixels, the most Pillow opens (a guard against "
        "decompression bombs)."
    ]
    change = SpeakerChange.objects.get()
    assert (change.values, change.photo.name) == ({"bio": "Still saved."}, "")
    assert not media_root.exists() or not any(media_root.rglob("*.jpg"))


def test_remove_my_photo_waits_for_approval(client, token, yuhan):
    Speaker.objects.filter(pk=yuhan.pk).update(
        photo="speakers/" + "a" * 32 + "-640.jpg", photo_width=640, photo_height=800
    )
    page = client.get(link_url(token))

    client.post(link_url(token), form_data(page, remove_photo="on"))

    assert SpeakerChange.objects.get().remove_photo is True
    assert "Photo To be removed" in page_text(client.get(link_url(token)))


def test_the_page_says_until_when_changes_are_taken(client, token, edition, set_clock):
    set_clock("2026-05-01", 9)
    edition.speaker_edit_until = dt.datetime(2026, 5, 11, 1, 0, tzinfo=dt.UTC)
    edition.save()

    text = page_text(client.get(link_url(token)))

    assert "You can make changes until Sunday, May 10, 6:00 PM PDT." in text


def test_other_methods_are_refused(client, token):
    put = client.put(link_url(token))
    assert (put.status_code, put["Allow"]) == (405, "GET, HEAD, POST")
    post = client.post(link_url(token) + "calendar.ics")
    assert (post.status_code, post["Allow"]) == (405, "GET, HEAD, OPTIONS")


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, token):
    before = snapshot()

    response = client.post(link_url(token), {}, CONTENT_LENGTH=str(6 * 1024 * 1024))

    assert response.status_code == 413
    assert snapshot() == before


# The calendar --------------------------------------------------------------------------------


def test_the_calendar_holds_the_speaker_s_own_public_talks_of_that_edition(
    client, token, edition, yuhan, lmcache
):
    TalkFactory(conference=edition, title="Someone else's", slug="else")
    TalkFactory(conference=edition, title="Draft", slug="draft", speakers=[yuhan], status="draft")
    TalkFactory(conference=ConferenceFactory(slug="2025"), slug="old", speakers=[yuhan])

    response = client.get(link_url(token) + "calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mlsys-2026-my-talks.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [(str(e["summary"]), e["dtstart"].dt) for e in calendar.walk("VEVENT")]
    assert events == [("LMCache", local("2026-05-18", 9, 50))]
    assert str(calendar["x-wr-calname"]) == "MLSys 2026: Yuhan Liu"


# Guessing -----------------------------------------------------------------------------------


def failures():
    return sum(
        AccessAttempt.objects.filter(username=GUESS_NAME).values_list(
            "failures_since_start", flat=True
        )
    )


def test_failed_links_are_counted_per_address_and_then_refused_429(client, token):
    for number in range(20):
        assert client.get(link_url(f"{number:043d}")).status_code == 404
    assert failures() == 20
    assert AccessAttempt.objects.get().path_info == "<slug:edition>/speaker/<str:token>/"

    refused = client.get(link_url(token))  # even the right link: nothing is looked up

    assert refused.status_code == 429
    assert refused["Retry-After"] == "900"
    assert "Too many tries" in page_text(refused)
    assert SpeakerLink.objects.get().last_used_at is None
    # Another address is not held back.
    assert client.get(link_url(token), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_count_starts_again_after_the_cool_off(client, token):
    for number in range(20):
        client.get(link_url(f"{number:043d}"))
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=16)
    )

    assert client.get(link_url(token)).status_code == 200
    assert client.get(link_url("0" * 43)).status_code == 404
    assert failures() == 1


def test_a_successful_opening_counts_nothing(client, token):
    client.get(link_url(token))
    client.get(link_url(token) + "calendar.ics")

    assert failures() == 0


def test_a_revoked_link_counts_as_a_failure(client, token):
    speaker_links.revoke(SpeakerLink.objects.all())

    client.get(link_url(token))

    assert failures() == 1


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("talk_count", [1, 3])
def test_speaker_page_query_count(client, edition, yuhan, talk_count, django_assert_num_queries):
    for number in range(talk_count):
        talk = TalkFactory(conference=edition, slug=f"talk-{number}", speakers=[yuhan])
        ResourceFactory(talk=talk)
    token = speaker_links.issue(yuhan, edition)
    url = reverse("program:speaker-link", kwargs={"edition": "2026", "token": token})

    # The address's failures, the link with its speaker and edition, their talks, the
    # talks' materials, the pending change, last_used_at, the talks' public slots, the
    # yearly menu's editions: whatever the number of talks.
    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["talks"]) == talk_count


# Valid HTML -----------------------------------------------------------------------------------


@pytest.mark.html_checker
def test_the_pages_of_a_link_have_no_nu_checker_error(client, token, lmcache, tmp_path):
    from tests.conftest import require
    from tests.pages.test_html_checker import VNU, nu_errors

    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    page = client.get(link_url(token))
    bodies = {
        "page.html": page.content,
        "errors.html": client.post(link_url(token), form_data(page, name="", bio="New.")).content,
        "pending.html": client.get(link_url(token) + "?saved=pending").content,
        "unknown.html": client.get(link_url("0" * 43)).content,
    }
    speaker_links.revoke(SpeakerLink.objects.all())
    bodies["gone.html"] = client.get(link_url(token)).content
    for name, body in bodies.items():
        (tmp_path / name).write_bytes(body)

    assert nu_errors(sorted(tmp_path.glob("*.html"))) == []


def test_the_e_mail_address_is_in_no_public_answer(client, token, yuhan):
    Speaker.objects.filter(pk=yuhan.pk).update(email="yuhan.private@example.org")
    urls = [
        "/2026/program/",
        "/2026/speakers/",
        "/2026/speakers/yuhan-liu/",
        "/2026/talks/lmcache/",
        "/2026/program.ics",
        "/2026/schedule.xml",
        "/2026/schedule.json",
        "/api/v1/speakers/",
        "/api/v1/talks/",
        link_url(token),
        link_url(token) + "calendar.ics",
    ]

    answers = {url: client.get(url) for url in urls}

    assert {url: answer.status_code for url, answer in answers.items()} == dict.fromkeys(urls, 200)
    assert [url for url, answer in answers.items() if b"private@example" in answer.content] == []

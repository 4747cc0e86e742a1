"""Embeds (program/pages/embeds.py): who may frame them, per edition; where their links
open; their filters and errors; no cookie, no session; the same warm cost as the full pages;
and the script a host page includes (``/<edition>/embed.js``)."""

import lxml.html
import pytest
from django.test import Client

from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)

pytestmark = pytest.mark.django_db

EMBEDS = ["program", "timetable", "speakers", "now"]
ORIGINS = "https://mlsys.org\nHTTP://LOCALHOST:8080/\n"


@pytest.fixture
def edition():
    """MLSys 2026, which mlsys.org and a local test site may frame: a keynote on Monday and
    an invited talk on Tuesday."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", embed_origins=ORIGINS)
    hall = RoomFactory(conference=conference, name="Hall A", slug="hall-a")
    yuhan = SpeakerFactory(name="Yuhan Liu", slug="yuhan-liu")
    for title, slug, kind, start, speakers in [
        ("KV caches at scale", "kv-caches", "keynote", local("2026-05-18", 9), [yuhan]),
        ("Serving sparse models", "serving-sparse", "invited-talk", local("2026-05-19", 11), None),
    ]:
        kind_name = kind.replace("-", " ").title()
        TalkFactory(
            conference=conference,
            title=title,
            slug=slug,
            type=TalkTypeFactory(slug=kind, name=kind_name),
            room=hall,
            start=start,
            speakers=speakers,
        )
    return conference


def html(response):
    return lxml.html.fromstring(response.content.decode())


def slugs(response):
    return html(response).xpath("//*[@data-talk-slug]/@data-talk-slug")


# ------------------------------------------------------------------------ framing


@pytest.mark.parametrize("page", EMBEDS)
def test_an_edition_with_origins_may_be_framed_by_them_alone_built_and_warm(client, edition, page):
    for _ in range(2):  # the build, then the copy from the cache
        response = client.get(f"/2026/embed/{page}/")

        assert response.status_code == 200
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["frame-ancestors"] == "'self' https://mlsys.org http://localhost:8080"
        assert policy["script-src"] == "'self'"
        assert "X-Frame-Options" not in response


@pytest.mark.parametrize("page", EMBEDS)
def test_an_edition_without_origins_lets_only_the_site_frame_its_embeds(client, page):
    ConferenceFactory(slug="2025", name="MLSys 2025", embed_origins="")

    for _ in range(2):
        response = client.get(f"/2025/embed/{page}/")

        assert response.status_code == 200
        assert "frame-ancestors 'self';" in response["Content-Security-Policy"]
        assert "mlsys.org" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("page", EMBEDS)
def test_an_unknown_edition_answers_404_and_refuses_framing(client, edition, page):
    response = client.get(f"/1999/embed/{page}/")

    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/2026/program/", "/2026/timetable/", "/2026/speakers/", "/2026/now/"]
)
def test_the_full_pages_of_an_edition_with_origins_still_refuse_every_frame(client, edition, path):
    response = client.get(path)

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


# ------------------------------------------------------------------------ nothing left behind


@pytest.mark.parametrize("page", EMBEDS)
def test_an_embed_sets_no_cookie_and_never_reads_the_session(
    client, edition, django_user_model, page
):
    client.force_login(django_user_model.objects.create_superuser("organiser", "o@x.org", None))
    client.cookies["csrftoken"] = "x"  # malformed: Django would renew it on a page that reads it

    for _ in range(2):
        response = client.get(f"/2026/embed/{page}/?target=parent")

        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response.serialize_headers().decode()
        assert not response.wsgi_request.session.accessed


def test_a_draft_edition_has_no_embed_even_for_staff(client, django_user_model):
    ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)
    client.force_login(django_user_model.objects.create_superuser("organiser", "o@x.org", None))

    assert client.get("/2027/program/").status_code == 200  # staff preview the full page
    response = client.get("/2027/embed/program/")

    assert response.status_code == 404
    assert not response.wsgi_request.session.accessed


# ------------------------------------------------------------------------ layout and links


def test_an_embed_has_no_header_footer_or_yearly_menu_and_links_open_a_new_tab(client, edition):
    page = html(client.get("/2026/embed/program/"))

    assert page.xpath("//header|//footer|//*[@id='yearly-menu']") == []
    assert [link.text for link in page.xpath("//a[@class='skip-link']")] == ["Skip to main content"]
    assert page.xpath("//head/base/@target") == ["_blank"]
    assert page.xpath("//body/@data-embed-origins") == ["https://mlsys.org http://localhost:8080"]
    scripts = page.xpath("//script/@src")
    assert scripts[-2:] == ["/static/js/embed-frame.js", "/static/js/program.js"]
    assert slugs(client.get("/2026/embed/program/")) == ["kv-caches", "serving-sparse"]
    # Talks and speakers: the full site's pages, in the base's target.
    talk_links = page.xpath("//*[@data-talk-slug]//a")
    assert [(link.get("href"), link.get("target")) for link in talk_links] == [
        ("/2026/talks/kv-caches/", None),
        ("/2026/speakers/yuhan-liu/", None),
        ("/2026/talks/serving-sparse/", None),
        (talk_links[3].get("href"), None),
    ]
    # What stays in the frame says so.
    (form,) = page.xpath("//form[@role='search']")
    assert (form.get("action"), form.get("target")) == ("/2026/embed/program/#results", "_self")
    assert page.xpath("//p[@class='other-view']/a/@href") == ["/2026/embed/timetable/"]
    assert page.xpath("//p[@class='other-view']/a/@target") == ["_self"]
    assert page.xpath("//nav[@class='day-jump']//a/@target") == ["_self", "_self"]


def test_target_parent_opens_links_in_the_host_page_and_survives_forms_and_day_links(
    client, edition
):
    program = html(client.get("/2026/embed/program/?type=keynote&target=parent"))
    timetable = html(client.get("/2026/embed/timetable/?day=2026-05-18&target=parent"))
    now = html(client.get("/2026/embed/now/?at=2026-05-18T09:10-07:00&target=parent"))

    for page in (program, timetable, now):
        assert page.xpath("//head/base/@target") == ["_parent"]
        assert page.xpath("//form[@role='search']//input[@name='target']/@value") == ["parent"]
    assert program.xpath("//p[@class='other-view']/a/@href") == [
        "/2026/embed/timetable/?target=parent&type=keynote"
    ]
    assert program.xpath("//div[@class='form-actions']/a/@href") == [
        "/2026/embed/program/?target=parent"
    ]
    assert timetable.xpath("//nav[@class='day-jump']//a/@href") == [
        f"/2026/embed/timetable/?target=parent&day=2026-05-{day}" for day in range(18, 23)
    ]
    assert timetable.xpath("//nav[@class='day-jump']//a/@target") == ["_self"] * 5
    assert now.xpath("//p[@class='now-clock']/a/@href") == ["/2026/embed/now/?target=parent"]


def test_the_speakers_embed_lists_the_speakers_with_links_to_the_full_site(client, edition):
    page = html(client.get("/2026/embed/speakers/?target=parent"))

    assert page.xpath("//head/base/@target") == ["_parent"]
    assert "/2026/speakers/yuhan-liu/" in page.xpath("//ul[@class='speaker-list']//a/@href")
    assert page.xpath("//header|//footer") == []


# ------------------------------------------------------------------------ filters and errors


def test_an_embed_takes_the_programs_filters(client, edition):
    assert slugs(client.get("/2026/embed/program/?type=keynote")) == ["kv-caches"]
    assert slugs(client.get("/2026/embed/program/?q=sparse")) == ["serving-sparse"]
    assert slugs(client.get("/2026/embed/timetable/?day=2026-05-19")) == ["serving-sparse"]
    assert slugs(client.get("/2026/embed/now/?at=2026-05-18T09:10-07:00&type=keynote")) == [
        "kv-caches"
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/2026/embed/program/?day=2026-13-45", "Day: 2026-13-45 is not a valid date"),
        ("/2026/embed/timetable/?room=nowhere", "Room: nowhere is not a known room"),
        ("/2026/embed/now/?at=yesterday", "At:"),
        ("/2026/embed/program/?target=top", "Target: “top” is not a target"),
        ("/2026/embed/speakers/?target=_top", "Target: “_top” is not a target"),
    ],
)
def test_a_bad_parameter_in_an_embed_answers_400_naming_it_inside_the_frame(
    client, edition, url, message
):
    response = client.get(url)

    assert response.status_code == 400
    (summary,) = html(response).xpath("//div[@class='error-summary']")
    assert message in summary.text_content()
    assert "frame-ancestors 'self' https://mlsys.org" in response["Content-Security-Policy"]
    assert html(response).xpath("//header") == []


# ------------------------------------------------------------------------ the cache


def test_target_is_part_of_the_cache_key_and_unknown_parameters_are_not(client, edition):
    blank = client.get("/2026/embed/program/")
    parent = client.get("/2026/embed/program/?target=parent")
    tracked = client.get("/2026/embed/program/?target=parent&utm_source=newsletter")

    assert html(blank).xpath("//head/base/@target") == ["_blank"]
    assert html(parent).xpath("//head/base/@target") == ["_parent"]
    assert blank["ETag"] != parent["ETag"]
    assert tracked["ETag"] == parent["ETag"]
    # The full page ignores target: one copy for both.
    assert (
        client.get("/2026/program/?target=parent")["ETag"] == client.get("/2026/program/")["ETag"]
    )


@pytest.mark.parametrize(
    ("full", "embed"),
    [
        ("/2026/program/?type=keynote", "/2026/embed/program/?type=keynote&target=parent"),
        ("/2026/timetable/?day=2026-05-19", "/2026/embed/timetable/?day=2026-05-19"),
        ("/2026/speakers/", "/2026/embed/speakers/"),
        ("/2026/now/", "/2026/embed/now/?target=parent"),
    ],
)
def test_a_warm_embed_costs_what_a_warm_full_page_costs(
    edition, full, embed, django_assert_num_queries
):
    client = Client()
    client.get(full)
    client.get(embed)

    with django_assert_num_queries(1):  # the data version alone
        assert client.get(full).status_code == 200
    with django_assert_num_queries(1):
        warm = client.get(embed)
    assert warm.status_code == 200
    assert "frame-ancestors 'self' https://mlsys.org" in warm["Content-Security-Policy"]


# ------------------------------------------------------------------------ embed.js


def test_embed_js_is_a_cacheable_script_other_sites_may_load(client, edition):
    response = client.get("/2026/embed.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    script = response.content.decode()
    assert 'var ORIGIN = "http://testserver";' in script
    assert "event.origin !== ORIGIN" in script
    assert client.get("/2026/embed.js")["ETag"] == response["ETag"]


def test_embed_js_of_an_unknown_edition_is_404(client, edition):
    assert client.get("/1999/embed.js").status_code == 404


def test_the_pages_own_files_stay_same_site(client, edition):
    assert client.get("/2026/program/")["Cross-Origin-Resource-Policy"] == "same-site"

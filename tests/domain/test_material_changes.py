"""Materials added, changed and removed on the changes page and in its Atom feed: only on
talks public now, only after the edition's public history started, a new place alone is no
change, and a speaker's approved change shows like an organiser's."""

import shutil
import uuid

import pytest
from lxml import html

from program import speaker_changes, speaker_links
from program.feeds.ids import NAMESPACE
from program.material_changes import material_changes
from program.models import Resource, SpeakerChange, SpeakerLink, Talk
from tests.conftest import require
from tests.domain.test_changes import A, check_atom
from tests.factories import ConferenceFactory, ResourceFactory, RoomFactory, TalkFactory, local
from tests.pages.test_html_checker import VNU, nu_errors

pytestmark = pytest.mark.django_db

CHANGES = "/2026/changes/"
ATOM = "/2026/changes.atom"


def texts(tree, xpath):
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


@pytest.fixture
def edition():
    """MLSys 2026, prepared unpublished with LMCache and its slides, then published."""
    conference = ConferenceFactory(slug="2026", name="MLSys 2026", is_published=False)
    room = RoomFactory(conference=conference, name="Grand Ballroom 1")
    talk = TalkFactory(
        conference=conference,
        room=room,
        slug="lmcache",
        title="LMCache",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
    )
    ResourceFactory(talk=talk, url="https://example.org/prepared.pdf", title="Deck")
    conference.is_published = True
    conference.save()
    return conference


@pytest.fixture
def lmcache(edition):
    return Talk.objects.get(slug="lmcache")


def material_rows(client):
    tree = html.fromstring(client.get(CHANGES).content)
    return list(
        zip(
            texts(tree, "//section[@id='materials']//h3[@class='material-title']"),
            texts(tree, "//section[@id='materials']//p[@class='change-summary']"),
            strict=True,
        )
    )


def test_materials_before_publishing_are_not_changes(client, edition):
    assert material_rows(client) == []
    tree = html.fromstring(client.get(CHANGES).content)
    assert texts(tree, "//div[@class='empty-state']/h2") == ["No changes yet"]


def test_added_changed_and_removed_newest_first(client, edition, lmcache):
    prepared = Resource.objects.get()
    video = ResourceFactory(talk=lmcache, kind="video", url="https://youtu.be/a", title="")
    prepared.title = "Slides (final)"
    prepared.save()
    prepared.position = 5  # a new place alone is not a change
    prepared.save()
    video.url = "https://youtu.be/b"
    video.save()
    prepared.delete()
    draft = TalkFactory(conference=edition, status="draft", title="Secret", slug="secret")
    ResourceFactory(talk=draft, url="https://example.org/secret.pdf")

    assert material_rows(client) == [
        ("Slides removed from LMCache", "“Slides (final)”: https://example.org/prepared.pdf"),
        ("Video changed on LMCache", "https://youtu.be/b (was https://youtu.be/a)"),
        ("Slides changed on LMCache", "“Slides (final)”: https://example.org/prepared.pdf"),
        ("Video added to LMCache", "https://youtu.be/a"),
    ]
    tree = html.fromstring(client.get(CHANGES).content)
    assert tree.xpath("//h3[@class='material-title']/a/@href") == ["/2026/talks/lmcache/"] * 4
    assert "secret.pdf" not in client.get(CHANGES).content.decode()


def test_a_speakers_approved_materials_show(client, edition, lmcache):
    speaker = lmcache.speakers.get()
    speaker_links.issue(speaker, edition)
    link = SpeakerLink.objects.get(speaker=speaker)
    speaker_changes.submit(
        link,
        resources={
            lmcache: [
                {"kind": "slides", "url": "https://example.org/prepared.pdf", "title": "Deck"},
                {"kind": "code", "url": "https://github.com/LMCache/LMCache", "title": ""},
            ]
        },
    )
    assert material_rows(client) == []  # waiting for approval

    speaker_changes.approve(SpeakerChange.objects.all(), user=None)

    assert material_rows(client) == [
        ("Code added to LMCache", "https://github.com/LMCache/LMCache")
    ]


def test_atom_feed_merges_materials_with_talk_changes(client, edition, lmcache):
    Talk.objects.filter(pk=lmcache.pk).set_status(Talk.Status.CANCELLED)
    ResourceFactory(talk=lmcache, kind="paper", url="https://arxiv.org/abs/2310.07240", title="")

    root = check_atom(client.get(ATOM).content)
    entries = root.findall(f"{A}entry")

    assert [entry.findtext(f"{A}title") for entry in entries] == [
        "Paper added: LMCache",
        "Cancelled: LMCache",
    ]
    paper = entries[0]
    record = Resource.history.model.objects.get(kind="paper")
    assert paper.findtext(f"{A}summary") == "https://arxiv.org/abs/2310.07240."
    assert paper.findtext(f"{A}id") == uuid.uuid5(NAMESPACE, f"material/{record.history_id}").urn
    assert paper.find(f"{A}link").get("href") == "http://testserver/2026/talks/lmcache/"
    assert [c.get("term") for c in paper.findall(f"{A}category")] == ["materials", "added"]


def test_an_unpublished_edition_has_no_material_changes(edition, lmcache):
    ResourceFactory(talk=lmcache, kind="video", url="https://youtu.be/a")
    other = ConferenceFactory(slug="2027", name="MLSys 2027", is_published=False)

    assert material_changes(other, talk_url=str) == []
    assert [c.heading for c in material_changes(edition, talk_url=str)] == [
        "Video added to LMCache"
    ]


def test_an_edition_published_without_talks_counts_materials_of_talks_added_later(client):
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    talk = TalkFactory(conference=conference, slug="lmcache", title="LMCache")
    ResourceFactory(talk=talk, kind="slides", url="https://example.org/s.pdf", title="")

    assert material_rows(client) == [("Slides added to LMCache", "https://example.org/s.pdf")]


@pytest.mark.parametrize("count", [1, 3])
def test_material_changes_take_one_query(edition, lmcache, count, django_assert_num_queries):
    for number in range(count):
        ResourceFactory(talk=lmcache, kind="video", url=f"https://youtu.be/{number}")

    with django_assert_num_queries(1):
        changes = material_changes(edition, talk_url=str)

    assert len(changes) == count


@pytest.mark.html_checker
def test_the_changes_page_with_materials_passes_the_nu_checker(client, edition, lmcache, tmp_path):
    require(shutil.which("java"), "java is absent: apt-get install default-jre-headless")
    require(VNU.exists(), f"{VNU} is absent: run `npm ci` (make test does)")
    video = ResourceFactory(talk=lmcache, kind="video", url="https://youtu.be/a", title="Talk")
    video.url = "https://youtu.be/b"
    video.save()
    Resource.objects.get(kind="slides").delete()
    Talk.objects.filter(pk=lmcache.pk).set_status(Talk.Status.CANCELLED)
    page = tmp_path / "changes.html"
    page.write_bytes(client.get(CHANGES).content)

    assert len(material_rows(client)) == 3
    assert nu_errors([page]) == []


def test_the_changes_page_and_feed_say_they_list_materials(client, edition):
    page = html.fromstring(client.get(CHANGES).content)
    root = check_atom(client.get(ATOM).content)

    assert texts(page, "//p[@class='lede']") == [
        "Talks added, moved, cancelled and deleted, and their materials (slides, videos, "
        "papers) added, changed and removed, newest first. Times are local to the venue "
        "(PDT, America/Los_Angeles)."
    ]
    assert "and their materials added, changed and removed" in root.findtext(f"{A}subtitle")

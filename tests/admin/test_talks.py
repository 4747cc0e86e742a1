"""The talk admin (program/admin/talks.py): the talk list at scale, conference time, clash
warnings, bulk actions, forms that keep the organiser's input and the talk's resources inline;
anonymous users are sent to log in on every admin page."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import WARNING
from django.db import IntegrityError

from program.machinery.stamps import keep_given_stamps
from program.models import Resource, Talk, TalkSpeaker
from tests.admin.helpers import (
    add_link,
    admin_url,
    form_data,
    new_talk_data,
    prepopulated,
    selected_edition,
    titles,
)
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    lmcache_talk,
    local,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def messages_of(response):
    return [(message.level, message.message) for message in response.context["messages"]]


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/program/talk/",
        "/admin/program/talk/add/",
        "/admin/program/conference/",
        "/admin/program/room/",
        "/admin/program/speaker/",
        "/admin/program/talktype/",
        "/admin/program/track/",
    ],
)
def test_anonymous_user_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


# Talk list ----------------------------------------------------------------------------------


def test_talk_changelist_shows_status_time_room_type_track_and_speakers(
    organiser_client, edition, ballroom
):
    TalkFactory(
        conference=edition,
        room=ballroom,
        title="Systems for Agents",
        type=TalkTypeFactory(slug="keynote", name="Keynote"),
        track=TrackFactory(conference=edition, name="Agents"),
        start=local("2026-05-18", 11, 30),
        end=local("2026-05-18", 12, 30),
        speakers=[SpeakerFactory(name="Zoe Zhang"), SpeakerFactory(name="Ada Lovelace")],
        status=Talk.Status.CANCELLED,
    )

    response = organiser_client.get(admin_url("talk"))

    content = response.content.decode()
    row = content[content.index('<th class="field-title">') :]
    row = row[: row.index("</tr>")]
    assert row == (
        '<th class="field-title">'
        f'<a href="/admin/program/talk/{Talk.objects.get().pk}/change/">Systems for Agents</a></th>'
        '<td class="field-status">Cancelled</td>'
        '<td class="field-when">Mon, May 18, <span class="nowrap">11:30 AM–12:30 PM PDT</span></td>'
        '<td class="field-room nowrap">Grand Ballroom 1</td>'
        '<td class="field-type nowrap">Keynote</td>'
        '<td class="field-track nowrap">Agents</td>'
        '<td class="field-speaker_names">Zoe Zhang, Ada Lovelace</td>'
    )


def column_names(response):
    """The talk list's columns, after the selection box."""
    return [name for name in response.context["cl"].list_display if name != "action_checkbox"]


def test_talk_changelist_names_the_edition_only_where_editions_mix(
    organiser_client, edition, ballroom
):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    TalkFactory(conference=edition, room=ballroom, title="This year's talk")
    TalkFactory(conference=older, title="Last year's talk", start=local("2025-05-12", 9))

    mixed = organiser_client.get(admin_url("talk"))
    one_edition = organiser_client.get(admin_url("talk"), {"conference__id__exact": older.pk})

    assert column_names(mixed) == [
        "title", "status", "edition", "when", "room", "type", "track", "speaker_names"
    ]  # fmt: skip
    assert '<td class="field-edition">MLSys 2025</td>' in mixed.content.decode()
    assert column_names(one_edition) == [
        "title", "status", "when", "room", "type", "track", "speaker_names"
    ]  # fmt: skip
    assert titles(one_edition) == ["Last year's talk"]


def test_talk_changelist_with_a_single_edition_has_no_edition_column(
    organiser_client, edition, ballroom
):
    TalkFactory(conference=edition, room=ballroom)

    response = organiser_client.get(admin_url("talk"))

    assert "edition" not in column_names(response)


@pytest.fixture
def three_talks(edition, ballroom):
    """Three talks of the current edition and one of an older one."""
    hall = RoomFactory(conference=edition, name="Hall B", slug="hall-b")
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    ada = SpeakerFactory(name="Ada Lovelace")
    TalkFactory(
        conference=edition,
        room=ballroom,
        title="Compilers for tensors",
        abstract="Fusion of kernels.",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
        speakers=[ada, SpeakerFactory(name="Bob Lovelace")],
    )
    TalkFactory(
        conference=edition,
        room=hall,
        title="Serving at scale",
        abstract="Batching requests for tensors.",
        type=keynote,
        # 23:30 in Bellevue is already Tuesday in UTC: still a Monday talk.
        start=local("2026-05-18", 23, 30),
        end=local("2026-05-18", 23, 55),
        speakers=[SpeakerFactory(name="Grace Hopper")],
        status=Talk.Status.DRAFT,
    )
    TalkFactory(
        conference=edition,
        room=ballroom,
        title="Sparse attention",
        abstract="Long contexts.",
        start=local("2026-05-19", 0, 30),
        end=local("2026-05-19", 1),
        speakers=[SpeakerFactory(name="Alan Turing")],
        status=Talk.Status.CANCELLED,
    )
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    TalkFactory(
        conference=older,
        room=RoomFactory(conference=older, name="Old Hall"),
        title="Last year's keynote",
        type=keynote,
        start=local("2025-05-12", 9),
        end=local("2025-05-12", 10),
        speakers=[ada],
    )
    return {"hall": hall, "keynote": keynote, "older": older}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("sparse", ["Sparse attention"]),  # title
        ("tensors", ["Compilers for tensors", "Serving at scale"]),  # title and abstract
        ("lovelace", ["Last year's keynote", "Compilers for tensors"]),  # two speakers: one row
        ("grace batching", ["Serving at scale"]),  # every word, in any field
        ("nobody", []),
    ],
)
def test_talk_search_covers_title_abstract_and_speaker_names(
    organiser_client, three_talks, term, expected
):
    response = organiser_client.get(admin_url("talk"), {"q": term})

    assert titles(response) == expected


def test_talk_filters_by_edition(organiser_client, edition, three_talks):
    response = organiser_client.get(
        admin_url("talk"), {"conference__id__exact": three_talks["older"].pk}
    )

    assert titles(response) == ["Last year's keynote"]


def test_talk_filters_by_type(organiser_client, three_talks):
    response = organiser_client.get(
        admin_url("talk"), {"type__id__exact": three_talks["keynote"].pk}
    )

    assert titles(response) == ["Last year's keynote", "Serving at scale"]


def test_talk_filters_by_track_of_the_chosen_edition(organiser_client, edition, three_talks):
    serving = TrackFactory(conference=edition, name="LLM Serving")
    TrackFactory(conference=three_talks["older"], name="Archive")
    TrackFactory(conference=three_talks["older"], name="LLM Serving")
    Talk.objects.filter(title="Serving at scale").update(track=serving)

    by_track = organiser_client.get(admin_url("talk"), {"track__id__exact": serving.pk})
    without = organiser_client.get(admin_url("talk"), {"track__isnull": "True"})
    in_edition = organiser_client.get(admin_url("talk"), {"conference__id__exact": edition.pk})
    everywhere = organiser_client.get(admin_url("talk"))

    def track_choices(response):
        spec = next(s for s in response.context["cl"].filter_specs if s.title == "track")
        return [label for _pk, label in spec.lookup_choices]

    assert titles(by_track) == ["Serving at scale"]
    assert titles(without) == ["Last year's keynote", "Compilers for tensors", "Sparse attention"]
    assert track_choices(in_edition) == ["LLM Serving"]
    # The edition is named where two editions have a track of that name.
    assert track_choices(everywhere) == [
        "LLM Serving (MLSys 2026)",
        "Archive",
        "LLM Serving (MLSys 2025)",
    ]


def test_talk_filters_by_room(organiser_client, three_talks):
    response = organiser_client.get(admin_url("talk"), {"room__id__exact": three_talks["hall"].pk})

    assert titles(response) == ["Serving at scale"]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["Serving at scale"]),
        ("published", ["Last year's keynote", "Compilers for tensors"]),
        ("cancelled", ["Sparse attention"]),
    ],
)
def test_talk_filters_by_status(organiser_client, three_talks, status, expected):
    response = organiser_client.get(admin_url("talk"), {"status__exact": status})

    assert titles(response) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-05-18", ["Compilers for tensors", "Serving at scale"]),
        ("2026-05-19", ["Sparse attention"]),
        ("2026-05-20", []),
        ("2025-05-12", ["Last year's keynote"]),
    ],
)
def test_talk_day_filter_uses_the_conference_timezone(organiser_client, three_talks, day, expected):
    response = organiser_client.get(admin_url("talk"), {"day": day})

    assert titles(response) == expected


def test_talk_day_filter_offers_the_days_of_the_chosen_edition(
    organiser_client, edition, three_talks
):
    response = organiser_client.get(admin_url("talk"), {"conference__id__exact": edition.pk})

    day_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "day")
    assert day_filter.lookup_choices == [
        ("2026-05-18", "Monday, May 18"),
        ("2026-05-19", "Tuesday, May 19"),
        ("2026-05-20", "Wednesday, May 20"),
        ("2026-05-21", "Thursday, May 21"),
        ("2026-05-22", "Friday, May 22"),
    ]


def test_talk_day_filter_names_the_year_when_editions_span_years(organiser_client, three_talks):
    response = organiser_client.get(admin_url("talk"))

    day_filter = next(spec for spec in response.context["cl"].filter_specs if spec.title == "day")
    assert day_filter.lookup_choices[0] == ("2025-05-12", "Monday, May 12, 2025")
    assert day_filter.lookup_choices[-1] == ("2026-05-22", "Friday, May 22, 2026")


def test_talk_day_filter_with_a_malformed_day_reports_an_error(organiser_client, three_talks):
    response = organiser_client.get(admin_url("talk"), {"day": "18 May"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/program/talk/?e=1"


def test_talk_room_filter_names_rooms_of_the_chosen_edition_only(
    organiser_client, edition, three_talks
):
    RoomFactory(conference=three_talks["older"], name="Grand Ballroom 1")

    everything = organiser_client.get(admin_url("talk"))
    chosen = organiser_client.get(admin_url("talk"), {"conference__id__exact": edition.pk})

    def room_choices(response):
        spec = next(s for s in response.context["cl"].filter_specs if s.title == "room")
        return [label for _pk, label in spec.lookup_choices]

    # Only the name two editions share needs its edition.
    assert room_choices(everything) == [
        "Grand Ballroom 1 (MLSys 2026)",
        "Hall B",
        "Old Hall",
        "Grand Ballroom 1 (MLSys 2025)",
    ]
    assert room_choices(chosen) == ["Grand Ballroom 1", "Hall B"]


def test_talk_date_hierarchy_groups_days_in_conference_time(organiser_client, edition, three_talks):
    response = organiser_client.get(
        admin_url("talk"),
        {"conference__id__exact": edition.pk, "start__year": 2026, "start__month": 5},
    )

    content = response.content.decode()
    assert titles(response) == ["Compilers for tensors", "Serving at scale", "Sparse attention"]
    assert "May 18</a>" in content
    assert "May 19</a>" in content
    day = organiser_client.get(
        admin_url("talk"),
        {
            "conference__id__exact": edition.pk,
            "start__year": 2026,
            "start__month": 5,
            "start__day": 18,
        },
    )
    assert titles(day) == ["Compilers for tensors", "Serving at scale"]


@pytest.mark.parametrize("item_count", [1, 3])
def test_talk_changelist_query_count_is_constant(
    organiser_client, edition, ballroom, item_count, django_assert_num_queries
):
    for number in range(item_count):
        TalkFactory(
            conference=edition,
            room=RoomFactory(conference=edition, name=f"Room {number}"),
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )

    # Session, user, the list's edition, the number of editions (its column), the filters'
    # editions, types, days, rooms and tracks, the counts, talks, their speakers, the date
    # drill-down.
    with django_assert_num_queries(15):
        response = organiser_client.get(admin_url("talk"))

    assert len(titles(response)) == item_count


@pytest.mark.parametrize("item_count", [1, 3])
@pytest.mark.parametrize(
    ("model", "make", "queries"),
    [
        ("conference", lambda n: ConferenceFactory(slug=f"19{n:02d}"), 5),
        ("room", lambda n: RoomFactory(name=f"Room {n}"), 6),
        ("speaker", lambda n: SpeakerFactory(name=f"Speaker {n}"), 6),
        ("talktype", lambda n: TalkTypeFactory(slug=f"kind-{n}"), 5),
    ],
)
def test_changelist_query_count_is_constant(
    organiser_client, model, make, queries, item_count, django_assert_num_queries
):
    for number in range(item_count):
        make(number)

    with django_assert_num_queries(queries):
        response = organiser_client.get(admin_url(model))

    assert response.status_code == 200


# Talk form ----------------------------------------------------------------------------------


def test_talk_add_page_preselects_the_current_edition_and_says_its_timezone(
    organiser_client, edition
):
    response = organiser_client.get(admin_url("talk", "add"))

    content = response.content.decode()
    assert f'<option value="{edition.pk}" selected>MLSys 2026</option>' in content
    assert (
        "Conference time (America/Los_Angeles): the timezone of the edition chosen above."
        in content
    )
    assert prepopulated(response) == {"slug": ["title"]}
    assert 'name="speaker_links-TOTAL_FORMS" value="1"' in content


def test_talk_add_page_from_a_list_filtered_by_edition_has_that_edition_and_timezone(
    organiser_client, edition
):
    lisbon = ConferenceFactory(slug="lisbon", name="MLSys Lisbon", timezone="Europe/Lisbon")
    filtered = organiser_client.get(admin_url("talk"), {"conference__id__exact": lisbon.pk})

    response = organiser_client.get(add_link(filtered))

    assert selected_edition(response) == ["MLSys Lisbon"]
    assert "Conference time (Europe/Lisbon)" in response.content.decode()


def test_talk_record_times_name_the_editions_timezone(organiser_client, edition, ballroom):
    talk = TalkFactory(conference=edition, room=ballroom)
    Talk.objects.filter(pk=talk.pk).update(updated_at=dt.datetime(2026, 4, 20, 16, tzinfo=UTC))
    organiser_client.post(  # a change for the history page
        admin_url("talk", "change", talk.pk),
        form_data(organiser_client.get(admin_url("talk", "change", talk.pk)), "talk_form"),
    )
    april = dt.datetime(2026, 4, 20, 16, tzinfo=UTC)
    with keep_given_stamps():  # the database stamps writes with their commit time otherwise
        Talk.objects.filter(pk=talk.pk).update(updated_at=april)
    LogEntry.objects.update(action_time=april)

    change_page = organiser_client.get(admin_url("talk", "change", talk.pk))
    history = organiser_client.get(admin_url("talk", "history", talk.pk))

    page = lxml.html.fromstring(change_page.content.decode())
    (updated,) = page.xpath("//div[contains(@class, 'field-updated_at')]//div[@class='readonly']")
    assert updated.text_content() == "April 20, 2026, 9 a.m. PDT"
    (changed,) = lxml.html.fromstring(history.content.decode()).xpath("//tbody/tr/th")
    assert changed.text_content().strip() == "April 20, 2026, 9 a.m. PDT"


def test_talk_change_page_shows_conference_time_speakers_in_order_and_view_on_site(
    organiser_client, edition, ballroom
):
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
        speakers=[SpeakerFactory(name="Zoe Zhang"), SpeakerFactory(name="Ada Lovelace")],
    )

    response = organiser_client.get(admin_url("talk", "change", talk.pk))

    content = response.content.decode()
    assert 'name="start_0" value="2026-05-18"' in content
    assert 'name="start_1" value="09:00:00"' in content
    assert 'name="end_1" value="09:25:00"' in content
    assert content.index(">Zoe Zhang</option>") < content.index(">Ada Lovelace</option>")
    assert f'<option value="{ballroom.pk}" selected>Grand Ballroom 1</option>' in content
    content_type = ContentType.objects.get_for_model(Talk)
    assert f'href="/admin/r/{content_type.pk}/{talk.pk}/" class="viewsitelink"' in content


def test_talk_times_typed_in_conference_time_are_stored_in_utc_and_shown_back(
    organiser_client, edition, ballroom
):
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"), new_talk_data(page, edition, ballroom, [SpeakerFactory()])
    )

    assert response.status_code == 302
    talk = Talk.objects.get()
    assert (talk.start, talk.end) == (
        dt.datetime(2026, 5, 18, 16, 0, tzinfo=UTC),
        dt.datetime(2026, 5, 18, 16, 25, tzinfo=UTC),
    )
    shown = organiser_client.get(admin_url("talk", "change", talk.pk)).content.decode()
    assert 'name="start_1" value="09:00:00"' in shown
    assert 'name="end_1" value="09:25:00"' in shown
    listed = organiser_client.get(admin_url("talk")).content.decode()
    assert '<span class="nowrap">9:00–9:25 AM PDT</span>' in listed


def test_talk_times_are_read_in_the_timezone_of_the_edition_chosen_in_the_form(
    organiser_client, edition
):
    lisbon = ConferenceFactory(slug="lisbon", name="MLSys Lisbon", timezone="Europe/Lisbon")
    room = RoomFactory(conference=lisbon, name="Auditorium")
    page = organiser_client.get(admin_url("talk", "add"))  # the current edition is preselected

    organiser_client.post(
        admin_url("talk", "add"), new_talk_data(page, lisbon, room, [SpeakerFactory()])
    )

    talk = Talk.objects.get()
    assert talk.start == dt.datetime(2026, 5, 18, 8, 0, tzinfo=UTC)  # 9:00 WEST


def test_talk_save_numbers_speakers_in_the_order_shown(organiser_client, edition, ballroom):
    zoe, ada, bob = (
        SpeakerFactory(name="Zoe"),
        SpeakerFactory(name="Ada"),
        SpeakerFactory(name="Bob"),
    )
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [zoe, ada, bob])
    data.update(
        {
            "speaker_links-0-position": "5",
            "speaker_links-1-position": "0",
            "speaker_links-2-position": "5",
        }
    )

    organiser_client.post(admin_url("talk", "add"), data)

    links = TalkSpeaker.objects.order_by("position").values_list("speaker__name", "position")
    assert list(links) == [("Ada", 0), ("Zoe", 1), ("Bob", 2)]


def test_talk_save_swaps_two_speakers(organiser_client, edition, ballroom):
    ada, bob = SpeakerFactory(name="Ada"), SpeakerFactory(name="Bob")
    talk = TalkFactory(conference=edition, room=ballroom, speakers=[ada, bob])
    page = organiser_client.get(admin_url("talk", "change", talk.pk))
    data = form_data(
        page,
        "talk_form",
        {"speaker_links-0-speaker": str(bob.pk), "speaker_links-1-speaker": str(ada.pk)},
    )

    response = organiser_client.post(page.request["PATH_INFO"], data)

    assert response.status_code == 302
    assert [speaker.name for speaker in talk.ordered_speakers] == ["Bob", "Ada"]


def test_talk_save_removes_a_speaker(organiser_client, edition, ballroom):
    ada, bob = SpeakerFactory(name="Ada"), SpeakerFactory(name="Bob")
    talk = TalkFactory(conference=edition, room=ballroom, speakers=[ada, bob])
    page = organiser_client.get(admin_url("talk", "change", talk.pk))

    response = organiser_client.post(
        page.request["PATH_INFO"], form_data(page, "talk_form", {"speaker_links-0-DELETE": "on"})
    )

    assert response.status_code == 302
    assert [speaker.name for speaker in talk.ordered_speakers] == ["Bob"]


def track_of_another_edition(edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    return {"track": str(TrackFactory(conference=older, name="Old Track").pk)}


def room_of_another_edition(edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    return {"room": str(RoomFactory(conference=older, name="Old Hall").pk)}


def slug_of_another_talk(edition):
    return {"slug": TalkFactory(conference=edition, title="Coffee break").slug}


@pytest.mark.parametrize(
    ("wrong_value", "field", "error"),
    [
        (lambda edition: {"end_1": "8:30"}, "end", "The talk must end after it starts."),
        # The form offers the chosen edition's rooms and tracks only.
        (room_of_another_edition, "room", "Choose a room of MLSys 2026, the edition chosen above."),
        (
            track_of_another_edition,
            "track",
            "Choose a track of MLSys 2026, the edition chosen above.",
        ),
        (
            slug_of_another_talk,
            "__all__",
            "Talk with this Conference and Slug already exists.",
        ),
    ],
)
def test_talk_form_with_a_wrong_value_names_the_field_and_keeps_the_input(
    organiser_client, edition, ballroom, wrong_value, field, error
):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory()], title="My typed title")
    data.update(wrong_value(edition))

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [error]}
    content = response.content.decode()
    assert 'name="title" value="My typed title"' in content
    assert (
        'name="abstract" cols="40" rows="10" class="vLargeTextField" id="id_abstract">\n'
        "Agents need systems.</textarea>" in content
    )
    assert 'name="start_1" value="9:00"' in content
    assert not Talk.objects.filter(title="My typed title").exists()


def test_saving_a_talk_unchanged_keeps_its_times(organiser_client, edition, ballroom):
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        start=local("2026-05-18", 17, 30),  # 00:30 the next day in UTC
        end=local("2026-05-18", 18),
    )
    page = organiser_client.get(admin_url("talk", "change", talk.pk))

    response = organiser_client.post(page.request["PATH_INFO"], form_data(page, "talk_form"))

    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.start, talk.end) == (local("2026-05-18", 17, 30), local("2026-05-18", 18))
    assert talk.sequence == 1


def test_talk_without_a_speaker_is_refused_with_a_message(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory()])
    data["speaker_links-0-speaker"] = ""

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == ["A talk needs at least one speaker."]
    assert 'name="title" value="Systems for Agents"' in response.content.decode()
    assert Talk.objects.count() == 0


def test_talk_and_speakers_save_together_or_not_at_all(
    organiser_client, edition, ballroom, monkeypatch
):
    talk = TalkFactory(conference=edition, room=ballroom, title="Before")
    page = organiser_client.get(admin_url("talk", "change", talk.pk))
    data = form_data(
        page,
        "talk_form",
        {
            "title": "After",
            "speaker_links-TOTAL_FORMS": "2",
            "speaker_links-1-speaker": str(SpeakerFactory().pk),
            "speaker_links-1-position": "1",
        },
    )

    def refuse(*args, **kwargs):
        raise IntegrityError("the database refused a speaker row")

    monkeypatch.setattr(TalkSpeaker, "save", refuse)

    with pytest.raises(IntegrityError):
        organiser_client.post(page.request["PATH_INFO"], data)

    talk.refresh_from_db()
    assert talk.title == "Before"
    assert talk.speaker_links.count() == 1


# Clashes ------------------------------------------------------------------------------------


def test_saving_a_talk_in_a_booked_room_warns_naming_the_other_talk(
    organiser_client, edition, ballroom
):
    TalkFactory(
        conference=edition,
        room=ballroom,
        title="Morning keynote",
        start=local("2026-05-18", 9, 10),
        end=local("2026-05-18", 10),
    )
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"),
        new_talk_data(page, edition, ballroom, [SpeakerFactory()]),
        follow=True,
    )

    assert Talk.objects.count() == 2  # warned, not blocked
    assert messages_of(response)[0] == (
        WARNING,
        "Room clash: “Morning keynote” is also in Grand Ballroom 1 at Monday, May 18, 9:10 AM PDT.",
    )


def test_saving_a_talk_whose_speaker_is_elsewhere_warns(organiser_client, edition, ballroom):
    hall = RoomFactory(conference=edition, name="Hall B")
    lisa = SpeakerFactory(name="Lisa Li")
    TalkFactory(
        conference=edition,
        room=hall,
        title="Panel",
        start=local("2026-05-18", 8, 45),
        end=local("2026-05-18", 9, 15),
        speakers=[lisa],
    )
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"), new_talk_data(page, edition, ballroom, [lisa]), follow=True
    )

    assert [message for level, message in messages_of(response) if level == WARNING] == [
        "Speaker clash: Lisa Li also speaks in “Panel” in Hall B at Monday, May 18, 8:45 AM PDT."
    ]


def test_saving_a_talk_that_clashes_with_twelve_lists_ten_and_counts_the_rest(
    organiser_client, edition, ballroom
):
    for minute in range(12):
        TalkFactory(
            conference=edition,
            room=ballroom,
            title=f"Poster {minute}",
            start=local("2026-05-18", 9, minute),
            end=local("2026-05-18", 10),
        )
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"),
        new_talk_data(page, edition, ballroom, [SpeakerFactory()]),
        follow=True,
    )

    warnings = [message for level, message in messages_of(response) if level == WARNING]
    assert warnings == [
        f"Room clash: “Poster {minute}” is also in Grand Ballroom 1 at Monday, May 18, "
        f"9:{minute:02d} AM PDT."
        for minute in range(10)
    ] + ["2 more clashes, not listed (12 in all)."]


def test_saving_a_talk_without_clash_shows_no_warning(organiser_client, edition, ballroom):
    TalkFactory(
        conference=edition,
        room=ballroom,
        start=local("2026-05-18", 9, 25),
        end=local("2026-05-18", 10),
    )
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"),
        new_talk_data(page, edition, ballroom, [SpeakerFactory()]),
        follow=True,
    )

    assert [level for level, _message in messages_of(response)] == [25]  # SUCCESS only


# Bulk actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("publish", "published", "2 talks published."),
        ("unpublish", "draft", "2 talks moved back to draft."),
        ("cancel", "cancelled", "2 talks cancelled."),
    ],
)
def test_bulk_action_changes_exactly_the_chosen_talks(
    organiser_client, edition, ballroom, action, status, message
):
    statuses = ["draft", "published", "cancelled", "draft"]
    talks = [TalkFactory(conference=edition, room=ballroom, status=s) for s in statuses]
    chosen = talks[:3]

    response = organiser_client.post(
        admin_url("talk"),
        {"action": action, "_selected_action": [talk.pk for talk in chosen]},
        follow=True,
    )

    after = {talk.pk: (talk.status, talk.sequence) for talk in Talk.objects.all()}
    expected = {
        talk.pk: (status, 1) if talk in chosen and talk.status != status else (talk.status, 0)
        for talk in talks
    }
    assert after == expected
    assert messages_of(response) == [(25, message)]


# One speaker once, sessions over days, clock changes (issue 9); text as typed is in
# test_speakers.py.


def test_the_same_speaker_twice_on_a_talk_is_refused_naming_them(
    organiser_client, edition, ballroom
):
    perez = SpeakerFactory(name="Guillermo Pérez")
    page = organiser_client.get(admin_url("talk", "add"))

    response = organiser_client.post(
        admin_url("talk", "add"), new_talk_data(page, edition, ballroom, [perez, perez])
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    message = "Guillermo Pérez is listed twice: a speaker appears once on a talk."
    assert formset.non_form_errors() == [message]
    assert formset.forms[1].errors == {"speaker": [message]}
    assert Talk.objects.count() == 0


def test_talk_list_names_both_days_of_a_session_past_midnight(organiser_client, edition, ballroom):
    TalkFactory(
        conference=edition,
        room=ballroom,
        start=local("2026-05-18", 22),
        end=local("2026-05-19", 1),
    )

    response = organiser_client.get(admin_url("talk"))

    assert (
        '<td class="field-when">Mon, May 18, 10:00 PM – Tue, May 19, 1:00 AM PDT</td>'
        in response.content.decode()
    )


def test_talk_list_and_page_show_an_unscheduled_talk(organiser_client, edition):
    talk = TalkFactory(
        conference=edition, room=None, start=None, end=None, status="draft",
        duration=dt.timedelta(minutes=45),
    )  # fmt: skip

    listing = organiser_client.get(admin_url("talk"))
    page = organiser_client.get(admin_url("talk", "change", talk.pk))

    assert '<td class="field-when">Unscheduled (45 min)</td>' in listing.content.decode()
    assert page.status_code == 200
    assert page.context["adminform"].form.initial["start"] is None


@pytest.mark.parametrize(
    ("status", "slot", "errors"),
    [
        ("draft", {}, None),
        (
            "published",
            {},
            {
                "status": [
                    "Only a draft can wait without a slot: give the talk a day, time and room "
                    "before it is public."
                ]
            },
        ),
        (
            "draft",
            {"start_0": "2026-05-18", "start_1": "9:00"},
            {
                "__all__": [
                    "Give the talk a day, start, end and room, or none of them to leave it "
                    "unscheduled."
                ]
            },
        ),
    ],
    ids=["draft", "published", "start-only"],
)
def test_the_talk_form_takes_an_unscheduled_draft_only(
    organiser_client, edition, ballroom, status, slot, errors
):
    page = organiser_client.get(admin_url("talk", "add"))
    empty = {"start_0": "", "start_1": "", "end_0": "", "end_1": ""}
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory()], status=status,
                         **{**empty, **slot})  # fmt: skip
    data["room"] = ""

    response = organiser_client.post(admin_url("talk", "add"), data)

    if errors is None:
        assert response.status_code == 302
        assert list(Talk.objects.values_list("status", "start", "room")) == [("draft", None, None)]
    else:
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == errors
        assert not Talk.objects.exists()


@pytest.fixture
def new_york_edition():
    return ConferenceFactory(
        slug="nyc",
        name="Night Conf",
        timezone="America/New_York",
        start_date=dt.date(2026, 10, 31),
        end_date=dt.date(2026, 11, 1),
        is_current=True,
    )


def night_talk_data(organiser_client, edition, **times):
    page = organiser_client.get(admin_url("talk", "add"))
    room = RoomFactory(conference=edition, name="Hall")
    fields = {"start_0": "2026-11-01", "end_0": "2026-11-01", **times}
    return new_talk_data(page, edition, room, [SpeakerFactory()], **fields)


def test_a_time_in_the_repeated_hour_needs_saying_which(organiser_client, new_york_edition):
    data = night_talk_data(
        organiser_client, new_york_edition, start_1="1:30", end_1="1:30", end_2="second"
    )
    data["start_2"] = ""

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["start"] == [
        "1:30 AM on Sunday, November 1, 2026 happens twice in America/New_York (the clocks go "
        "back): choose below whether you mean the first, 1:30 AM EDT (UTC-04:00), or the "
        "second, 1:30 AM EST (UTC-05:00)."
    ]
    assert Talk.objects.count() == 0


def test_a_talk_from_the_first_to_the_second_half_past_one_lasts_an_hour(
    organiser_client, new_york_edition
):
    data = night_talk_data(
        organiser_client,
        new_york_edition,
        start_1="1:30",
        start_2="first",
        end_1="1:30",
        end_2="second",
    )

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 302
    talk = Talk.objects.get()
    assert (talk.start, talk.end) == (
        dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    )
    # Shown again with the choice made, so saving it unchanged keeps both instants.
    page = organiser_client.get(admin_url("talk", "change", talk.pk))
    shown = lxml.html.fromstring(page.content.decode())
    assert shown.xpath("//select[@name='start_2']/option[@selected]/@value") == ["first"]
    assert shown.xpath("//select[@name='end_2']/option[@selected]/@value") == ["second"]
    assert (
        organiser_client.post(page.request["PATH_INFO"], form_data(page, "talk_form")).status_code
        == 302
    )
    talk.refresh_from_db()
    assert (talk.start, talk.end) == (
        dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    )
    listed = organiser_client.get(admin_url("talk")).content.decode()
    assert (
        '<td class="field-when">Sun, Nov 1, <span class="nowrap">1:30 AM EDT – 1:30 AM EST</span>'
        in listed
    )


def test_a_skipped_time_is_refused_with_a_message(organiser_client, new_york_edition):
    data = night_talk_data(organiser_client, new_york_edition, start_1="9:00", end_1="10:00")
    data.update({"start_0": "2026-03-08", "start_1": "2:30", "end_0": "2026-03-08"})

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.context["adminform"].form.errors["start"] == [
        "2:30 AM on Sunday, March 8, 2026 does not exist in America/New_York: the clocks go "
        "forward an hour then. Choose a time before or after the change."
    ]
    assert Talk.objects.count() == 0


def test_a_session_longer_than_frab_can_write_is_refused(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory()], end_0="2026-05-23")

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.context["adminform"].form.errors["end"] == [
        "A session lasts at most 99 hours 59 minutes, the longest that schedule apps (frab "
        "format) can read; enter a longer one as one session per day."
    ]


def test_admin_search_ignores_case_and_accents_as_the_site_does(organiser_client, edition):
    TalkFactory(
        conference=edition, title="École d'été", speakers=[SpeakerFactory(name="Elena DÍAZ")]
    )
    TalkFactory(conference=edition, title="Other")

    talks = organiser_client.get(admin_url("talk"), {"q": "ecole diaz"})
    speakers = organiser_client.get(admin_url("speaker"), {"q": "díaz"})

    assert titles(talks) == ["École d'été"]
    assert titles(speakers) == ["Elena DÍAZ"]


@pytest.fixture
def tracks(edition, ballroom):
    """Three talks of the edition, one with a track; the edition's tracks."""
    serving = TrackFactory(conference=edition, name="LLM Serving")
    systems = TrackFactory(conference=edition, name="Systems")
    talks = [
        TalkFactory(conference=edition, room=ballroom, title=title, track=track)
        for title, track in [("Batching", serving), ("Caching", None), ("Kernels", None)]
    ]
    return {"serving": serving, "systems": systems, "talks": talks}


def test_set_track_asks_for_the_track_of_the_chosen_talks(organiser_client, tracks):
    chosen = tracks["talks"][:2]

    response = organiser_client.post(
        admin_url("talk"),
        {"action": "set_track", "_selected_action": [talk.pk for talk in chosen]},
    )

    page = lxml.html.fromstring(response.content.decode())
    assert response.status_code == 200
    assert [
        " ".join(li.text_content().split()) for li in page.xpath("//ul[@class='selected-talks']/li")
    ] == [
        "Batching (now: LLM Serving)",
        "Caching",
    ]
    assert page.xpath("//select[@name='track']/option/text()") == [
        "Choose a track",
        "LLM Serving",
        "Systems",
        "No track (remove it)",
    ]
    assert sorted(page.xpath("//input[@name='_selected_action']/@value")) == sorted(
        str(talk.pk) for talk in chosen
    )
    assert Talk.objects.filter(track__isnull=False).count() == 1  # nothing changed yet


@pytest.mark.parametrize(
    ("choice", "expected", "message"),
    [
        ("systems", ["Systems", "Systems", None], "Track “Systems” set on 2 talks."),
        ("serving", ["LLM Serving", "LLM Serving", None], "Track “LLM Serving” set on 1 talk."),
        ("none", [None, None, None], "Track removed from 1 talk."),
    ],
)
def test_set_track_sets_it_on_the_chosen_talks_only(
    organiser_client, tracks, choice, expected, message
):
    chosen = tracks["talks"][:2]
    value = "none" if choice == "none" else str(tracks[choice].pk)

    response = organiser_client.post(
        admin_url("talk"),
        {
            "action": "set_track",
            "_selected_action": [talk.pk for talk in chosen],
            "track": value,
            "apply": "Set the track",
        },
        follow=True,
    )

    after = Talk.objects.order_by("title")
    assert [talk.track.name if talk.track else None for talk in after] == expected
    # Calendars see a new revision of the talks that changed, and only of those.
    old = {talk.pk: talk.track_id for talk in tracks["talks"]}
    assert {talk.title: talk.sequence for talk in after} == {
        talk.title: int(talk.track_id != old[talk.pk]) for talk in after
    }
    assert messages_of(response) == [(25, message)]


def test_set_track_without_a_choice_says_so_and_changes_nothing(organiser_client, tracks):
    response = organiser_client.post(
        admin_url("talk"),
        {
            "action": "set_track",
            "_selected_action": [talk.pk for talk in tracks["talks"]],
            "track": "",
            "apply": "Set the track",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"track": ["This field is required."]}
    assert [talk.sequence for talk in Talk.objects.all()] == [0, 0, 0]


def test_set_track_refuses_talks_of_several_editions(organiser_client, tracks):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    old_talk = TalkFactory(conference=older, title="Old")

    response = organiser_client.post(
        admin_url("talk"),
        {"action": "set_track", "_selected_action": [tracks["talks"][1].pk, old_talk.pk]},
        follow=True,
    )

    assert messages_of(response) == [
        (40, "Choose talks of one edition: each edition has its own tracks.")
    ]
    assert Talk.objects.filter(track__isnull=False).count() == 1


# Resources ----------------------------------------------------------------------------------


@pytest.fixture
def talk():
    return lmcache_talk()


def resource_data(page_response, rows):
    changes = {"resources-TOTAL_FORMS": str(len(rows))}
    for index, (kind, url, title, position) in enumerate(rows):
        changes |= {
            f"resources-{index}-kind": kind,
            f"resources-{index}-url": url,
            f"resources-{index}-title": title,
            f"resources-{index}-position": str(position),
        }
    return form_data(page_response, "talk_form", changes)


def test_admin_adds_resources_inline_in_their_order(organiser_client, talk):
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    response = organiser_client.post(
        url,
        resource_data(
            form,
            [
                ("video", "https://video.example.org/lmcache", "Recording", 1),
                ("slides", "https://slides.example.org/lmcache.pdf", "", 0),
            ],
        ),
    )

    assert response.status_code == 302
    assert list(talk.resources.values_list("kind", "url", "title")) == [
        ("slides", "https://slides.example.org/lmcache.pdf", ""),
        ("video", "https://video.example.org/lmcache", "Recording"),
    ]
    shown = organiser_client.get(url).context["inline_admin_formsets"][1].formset
    assert [form.instance.url for form in shown.forms] == [
        "https://slides.example.org/lmcache.pdf",
        "https://video.example.org/lmcache",
    ]


def test_admin_reads_an_address_without_scheme_as_https(organiser_client, talk):
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    organiser_client.post(url, resource_data(form, [("paper", "papers.example.org/1", "", 0)]))

    assert list(talk.resources.values_list("url", flat=True)) == ["https://papers.example.org/1"]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "ftp://files.example.org/slides.pdf",
            "Enter a web address that starts with http:// or https://.",
        ),
        ("javascript:alert(1)", "Enter a valid URL."),
        ("not a link", "Enter a valid URL."),
    ],
)
def test_admin_refuses_a_resource_that_is_not_a_web_link(
    organiser_client,
    talk,
    address,
    message,
):
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    response = organiser_client.post(url, resource_data(form, [("slides", address, "", 0)]))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.errors == [{"url": [message]}]
    assert not Resource.objects.exists()


def test_database_refuses_a_resource_that_is_not_a_web_link(talk):
    with pytest.raises(IntegrityError):
        Resource.objects.create(talk=talk, kind="slides", url="javascript:alert(1)")


# Rooms and tracks of the talk's edition -----------------------------------------------------


def offered(response, field):
    """The options of a select of the talk form, by label (the empty choice left out)."""
    tree = lxml.html.fromstring(response.content.decode())
    return [option.text for option in tree.xpath(f'//select[@name="{field}"]/option[@value!=""]')]


@pytest.fixture
def two_editions(edition, ballroom):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    RoomFactory(conference=older, name="Grand Ballroom 1")
    RoomFactory(conference=older, name="Old Hall")
    RoomFactory(conference=edition, name="Hall B")
    TrackFactory(conference=older, name="Old Track")
    TrackFactory(conference=edition, name="LLM Serving")
    return edition, older


def test_talk_form_offers_the_rooms_and_tracks_of_the_talks_edition(organiser_client, two_editions):
    older = two_editions[1]
    talk = TalkFactory(conference=older, room=older.rooms.get(name="Old Hall"))

    change = organiser_client.get(admin_url("talk", "change", talk.pk))
    add = organiser_client.get(admin_url("talk", "add"))  # the current edition's

    assert (offered(change, "room"), offered(change, "track")) == (
        ["Grand Ballroom 1", "Old Hall"],
        ["Old Track"],
    )
    assert (offered(add, "room"), offered(add, "track")) == (
        ["Grand Ballroom 1", "Hall B"],
        ["LLM Serving"],
    )


def test_add_talk_with_an_edition_in_the_address_offers_that_editions_rooms(
    organiser_client, two_editions
):
    older = two_editions[1]

    add = organiser_client.get(admin_url("talk", "add"), {"conference": older.pk})

    assert selected_edition(add) == ["MLSys 2025"]
    assert (offered(add, "room"), offered(add, "track")) == (
        ["Grand Ballroom 1", "Old Hall"],
        ["Old Track"],
    )
    assert 'src="/static/js/admin-talk-edition.js"' in add.content.decode()


def test_a_talk_moved_to_another_edition_is_asked_for_a_room_of_it(organiser_client, two_editions):
    edition, older = two_editions
    talk = TalkFactory(conference=edition, room=edition.rooms.get(name="Hall B"))
    url = admin_url("talk", "change", talk.pk)
    page = organiser_client.get(url)

    refused = organiser_client.post(url, form_data(page, "talk_form", {"conference": older.pk}))
    old_hall = older.rooms.get(name="Old Hall")
    data = form_data(page, "talk_form", {"conference": older.pk, "room": old_hall.pk})
    moved = organiser_client.post(url, data)

    assert refused.context["adminform"].form.errors == {
        "room": ["Choose a room of MLSys 2025, the edition chosen above."]
    }
    assert offered(refused, "room") == ["Grand Ballroom 1", "Old Hall"]
    assert moved.status_code == 302
    talk.refresh_from_db()
    assert (talk.conference, talk.room) == (older, old_hall)

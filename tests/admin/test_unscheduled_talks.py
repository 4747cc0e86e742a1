"""Unscheduled talks in the admin: a draft saved without a slot, refused when public, shown
as "Unscheduled" in the lists with a filter, no clash check, and bulk actions that would
make them public refused by name."""

import datetime as dt

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import ERROR, SUCCESS

from program.models import Talk
from tests.admin.helpers import admin_url, form_data, new_talk_data, titles
from tests.factories import SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db

NO_SLOT = {"start_0": "", "start_1": "", "end_0": "", "end_1": "", "room": ""}


def messages_of(response):
    return [(message.level, message.message) for message in response.context["messages"]]


def unscheduled(edition, title, **fields):
    return TalkFactory(
        conference=edition, title=title, status="draft", start=None, end=None, room=None,
        **fields,
    )  # fmt: skip


def test_add_form_saves_a_draft_without_a_slot_and_warns_of_no_clash(
    organiser_client, edition, ballroom
):
    TalkFactory(conference=edition, room=ballroom, start=local("2026-05-18", 9))
    page = organiser_client.get(admin_url("talk", "add"))
    data = {**new_talk_data(page, edition, ballroom, [SpeakerFactory()]), **NO_SLOT}
    data["status"] = "draft"

    response = organiser_client.post(admin_url("talk", "add"), data, follow=True)

    talk = Talk.objects.get(slug="systems-for-agents")
    assert (talk.status, talk.start, talk.end, talk.room) == ("draft", None, None, None)
    assert [level for level, _ in messages_of(response)] == [SUCCESS]


@pytest.mark.parametrize(
    ("typed", "duration", "errors"),
    [
        ("45", dt.timedelta(minutes=45), {}),
        ("", None, {}),
        (
            "0",
            None,
            {"duration": ["Give the length in minutes, from 1 to 5999 (99 hours 59 minutes)."]},
        ),
        (
            "6000",
            None,
            {"duration": ["Give the length in minutes, from 1 to 5999 (99 hours 59 minutes)."]},
        ),
    ],
)
def test_add_form_takes_an_unscheduled_talks_length_in_minutes(
    organiser_client, edition, ballroom, typed, duration, errors
):
    page = organiser_client.get(admin_url("talk", "add"))
    data = {**new_talk_data(page, edition, ballroom, [SpeakerFactory()]), **NO_SLOT}
    data.update(status="draft", duration=typed)

    response = organiser_client.post(admin_url("talk", "add"), data)

    if errors:
        assert response.context["adminform"].form.errors == errors
        assert not Talk.objects.exists()
    else:
        assert Talk.objects.get().duration == duration
        shown = organiser_client.get(admin_url("talk", "change", Talk.objects.get().pk))
        page = lxml.html.fromstring(shown.content.decode())
        assert page.xpath("//input[@name='duration']/@value") == ([typed] if typed else [])


def test_add_form_refuses_a_published_talk_without_a_slot_at_its_status(
    organiser_client, edition, ballroom
):
    page = organiser_client.get(admin_url("talk", "add"))
    data = {**new_talk_data(page, edition, ballroom, [SpeakerFactory()]), **NO_SLOT}

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "status": [
            "Only a draft can wait without a slot: give the talk a day, time and room before "
            "it is public."
        ]
    }
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath(
        "string(//div[contains(@class, 'field-status')]//ul[@class='errorlist'])"
    ) == (
        "Only a draft can wait without a slot: give the talk a day, time and room before it is "
        "public."
    )
    assert not Talk.objects.exists()


def test_add_form_refuses_half_a_slot(organiser_client, edition, ballroom):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, edition, ballroom, [SpeakerFactory()], status="draft")
    data.update(end_0="", end_1="", room="")

    response = organiser_client.post(admin_url("talk", "add"), data)

    assert response.context["adminform"].form.errors == {
        "__all__": [
            "Give the talk a day, start, end and room, or none of them to leave it unscheduled."
        ]
    }


def test_emptying_a_talks_slot_keeps_its_length_for_later(organiser_client, edition, ballroom):
    talk = TalkFactory(
        conference=edition, room=ballroom, status="draft",
        start=local("2026-05-18", 9), end=local("2026-05-18", 9, 40),
    )  # fmt: skip
    page = organiser_client.get(admin_url("talk", "change", talk.pk))

    response = organiser_client.post(
        admin_url("talk", "change", talk.pk), form_data(page, "talk_form", NO_SLOT)
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.start, talk.room, talk.duration) == (None, None, dt.timedelta(minutes=40))


def test_talk_list_says_unscheduled_and_filters_on_the_slot(organiser_client, edition, ballroom):
    TalkFactory(conference=edition, room=ballroom, title="Placed", start=local("2026-05-18", 9))
    unscheduled(edition, "Waiting")

    every = organiser_client.get(admin_url("talk"))
    placed = organiser_client.get(admin_url("talk"), {"scheduled": "yes"})
    waiting = organiser_client.get(admin_url("talk"), {"scheduled": "no"})

    page = lxml.html.fromstring(every.content.decode())
    rows = {
        row.xpath("string(th)"): row.xpath("string(td[@class='field-when'])")
        for row in page.xpath("//table[@id='result_list']/tbody/tr")
    }
    assert rows == {"Placed": "Mon, May 18, 9:00–9:25 AM PDT", "Waiting": "Unscheduled (30 min)"}
    assert (titles(placed), titles(waiting)) == (["Placed"], ["Waiting"])
    assert "Unscheduled" in [
        choice.text for choice in page.xpath("//nav[@id='changelist-filter']//a")
    ]


def test_speaker_page_lists_an_unscheduled_talk(organiser_client, edition):
    speaker = SpeakerFactory(name="Ion Stoica")
    unscheduled(edition, "Waiting", speakers=[speaker])

    response = organiser_client.get(admin_url("speaker", "change", speaker.pk))

    assert response.status_code == 200
    assert "Unscheduled" in response.content.decode()


@pytest.mark.parametrize(("action", "done"), [("publish", "published"), ("cancel", "cancelled")])
def test_bulk_action_making_unscheduled_talks_public_refuses_and_names_them(
    organiser_client, edition, ballroom, action, done
):
    placed = TalkFactory(conference=edition, room=ballroom, title="Placed", status="draft")
    talks = [placed, unscheduled(edition, "Waiting B"), unscheduled(edition, "Waiting A")]

    response = organiser_client.post(
        admin_url("talk"),
        {"action": action, "_selected_action": [talk.pk for talk in talks]},
        follow=True,
    )

    assert messages_of(response) == [
        (
            ERROR,
            f"Nothing was {done}: “Waiting A” and “Waiting B” have no slot yet, and only a "
            "draft may wait without one. Give them a day, time and room first (“Move to…” on "
            "the talk's page), or leave them out of the selection.",
        )
    ]
    assert set(Talk.objects.values_list("status", "sequence")) == {("draft", 0)}
    assert not LogEntry.objects.exists()


def test_unpublishing_keeps_working_with_unscheduled_talks_selected(
    organiser_client, edition, ballroom
):
    published = TalkFactory(conference=edition, room=ballroom, title="Placed")
    waiting = unscheduled(edition, "Waiting")

    response = organiser_client.post(
        admin_url("talk"),
        {"action": "unpublish", "_selected_action": [published.pk, waiting.pk]},
        follow=True,
    )

    assert messages_of(response) == [(SUCCESS, "1 talk moved back to draft.")]
    assert Talk.objects.get(pk=published.pk).status == "draft"

"""A write to a talk and its history record commit together or not at all, whatever the
path: a script's save() outside any transaction, delete(), QuerySet.update(), delete(),
bulk_create(), an import or the admin. Each write below runs in autocommit, as a script's
does, while the history table refuses every insert."""

import io

import pytest
from django.core.management import call_command

from program.models import Talk
from tests.admin.conftest import organiser_client  # noqa: F401
from tests.admin.helpers import admin_url, new_talk_data
from tests.factories import ConferenceFactory, RoomFactory, SpeakerFactory, TalkFactory, local

History = Talk.history.model


class HistoryDown(Exception):
    pass


def history_down(monkeypatch):
    """Every history insert fails: one by one (the library's signals) or in bulk."""

    def refuse(*args, **kwargs):
        raise HistoryDown("the history table refused the insert")

    monkeypatch.setattr(History, "save", refuse)
    monkeypatch.setattr(History.objects, "bulk_create", refuse)


@pytest.fixture(name="history_down")
def history_down_fixture(monkeypatch):
    history_down(monkeypatch)


@pytest.fixture
def talk():
    edition = ConferenceFactory(slug="2026", name="MLSys 2026")
    room = RoomFactory(conference=edition, name="Grand Ballroom 1")
    return TalkFactory(
        conference=edition,
        room=room,
        slug="kv-cache",
        title="LMCache",
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 25),
    )


def stored(talk_id):
    """The talk's row as the database holds it, or None."""
    return Talk.objects.filter(pk=talk_id).values_list("title", "status", "start").first()


def save_a_change(talk):
    talk.title = "Renamed"
    talk.start, talk.end = local("2026-05-18", 11), local("2026-05-18", 11, 25)
    talk.save()


def delete_it(talk):
    talk.delete()


def update_it(talk):
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.CANCELLED, title="Renamed")


def delete_by_queryset(talk):
    Talk.objects.filter(pk=talk.pk).delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [save_a_change, delete_it, update_it, delete_by_queryset])
def test_a_write_whose_history_fails_leaves_the_talk_as_it_was(talk, write, history_down):
    before = stored(talk.pk)

    with pytest.raises(HistoryDown):
        write(talk)

    assert stored(talk.pk) == before == ("LMCache", "published", local("2026-05-18", 9))


@pytest.mark.django_db(transaction=True)
def test_a_new_talk_whose_history_fails_is_not_created(talk, history_down):
    new = Talk(
        conference=talk.conference,
        room=talk.room,
        type=talk.type,
        slug="new",
        title="New",
        start=local("2026-05-18", 10),
        end=local("2026-05-18", 10, 25),
    )

    with pytest.raises(HistoryDown):
        new.save()

    assert list(Talk.objects.values_list("slug", flat=True)) == ["kv-cache"]


@pytest.mark.django_db(transaction=True)
def test_talks_created_in_bulk_whose_history_fails_are_not_created(talk, history_down):
    new = Talk(
        conference=talk.conference,
        room=talk.room,
        type=talk.type,
        slug="bulk",
        title="Bulk",
        start=local("2026-05-18", 10),
        end=local("2026-05-18", 10, 25),
    )

    with pytest.raises(HistoryDown):
        Talk.objects.bulk_create([new])

    assert list(Talk.objects.values_list("slug", flat=True)) == ["kv-cache"]


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_history_fails_changes_nothing(talk, history_down, tmp_path):
    sheet = tmp_path / "program.csv"
    sheet.write_text(
        "title,type,date,start,end,room,speakers,abstract,slug\n"
        f"LMCache,{talk.type.slug},2026-05-18,11:00,11:25,Grand Ballroom 1,Yuhan Liu,,kv-cache\n"
        f"Sparse kernels,{talk.type.slug},2026-05-18,12:00,12:20,Grand Ballroom 1,Ana Solo,,\n",
        encoding="utf-8",
    )

    with pytest.raises(HistoryDown):
        call_command("import_schedule", str(sheet), "--conference", "2026", stdout=io.StringIO())

    assert list(Talk.objects.values_list("slug", "start")) == [("kv-cache", local("2026-05-18", 9))]


@pytest.mark.django_db(transaction=True)
def test_an_admin_addition_or_bulk_action_whose_history_fails_changes_nothing(
    organiser_client,  # noqa: F811
    talk,
    monkeypatch,
):
    page = organiser_client.get(admin_url("talk", "add"))
    data = new_talk_data(page, talk.conference, talk.room, [SpeakerFactory()])
    history_down(monkeypatch)

    with pytest.raises(HistoryDown):
        organiser_client.post(admin_url("talk", "add"), data)
    with pytest.raises(HistoryDown):
        organiser_client.post(
            admin_url("talk"), {"action": "cancel", "_selected_action": [talk.pk]}
        )

    assert list(Talk.objects.values_list("slug", "status")) == [("kv-cache", "published")]

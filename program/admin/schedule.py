"""The schedule editor, an admin page of the Conference admin (``get_urls``).

- ``schedule/`` (GET): one day of the edition (``?day=YYYY-MM-DD``, else its first day),
  rooms as columns and time down the side, the talks as their working version (status,
  start, end, room) shows them, and the unscheduled talks beside the grid, searchable
  (``q``) and filtered by type (``type``, a slug) and track (``track``, a slug). Rooms and
  tracks may be hidden: ``pick=1`` with ``room`` (ids) and ``track`` (slugs, ``-`` for talks
  without one) listing those shown. Without JavaScript the page lists the day's talks by
  room and time, each with a "Move to…" link; static/js/schedule-editor.js makes it a grid
  to drag on. The day's sessions show in their rooms as strips beside their talks, each with
  "Move session…" (program/admin/session_moves.py: the session and its talks move together).
- ``schedule/place/`` (POST, JSON, CSRF token in ``X-CSRFToken``): several talks moved in
  one transaction (a swap, a group move, a talk sent back to the unscheduled list) through
  program.moves.place(). The body: ``{"placements": [{"talk": <id>, "day": "YYYY-MM-DD",
  "start": "HH:MM", "room": <id>, "end": "HH:MM" (optional, "24:00" for midnight; else the
  talk keeps its length)}, ...]}``, local times of the edition; ``{"talk": <id>, "room":
  null}`` sends a talk back to the unscheduled list. 200: ``{"talks": [block, ...],
  "clashes": [clash, ...]}`` (program/admin/schedule_json.py), the talks in the order sent.
  400, nothing saved: ``{"errors": {"__all__": ["message", ...]}}``, each message naming
  its talk ("“Opening keynote”: Only a draft can wait without a slot: ..."), or the body
  (not JSON, or past ``DATA_UPLOAD_MAX_MEMORY_SIZE``). 403 without
  "Can change talk" (the same shape), 405 but POST.
- ``schedule/tracks.css``: the edition's track colours (the public tracks.css names only
  the tracks of public talks).

Each needs "Can change talk": 403 on an admin page otherwise.
"""

import copy
import datetime as dt
import json
import re

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import engines
from django.urls import reverse

from program.admin.base import row_id
from program.admin.imports import refused
from program.admin.releases import release_url
from program.admin.schedule_day import (
    ROW_MINUTES,
    chosen_day,
    day_blocks,
    day_minutes,
    day_span,
    hour_marks,
)
from program.admin.schedule_json import clash_json, talk_block
from program.colours import COLOUR, label_ink
from program.models import Conference, Session, Speaker, Talk, TalkSpeaker, TalkType
from program.models.sessions import KIND_LABELS
from program.moves import place, placed_at, unplaced
from program.times import END_OF_DAY, SkippedTime, day_heading, time_on

NO_TRACK = "-"
# "HH:MM", local wall-clock time; "24:00" is the end of the day.
CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")
# The largest id a row may have (a 64-bit signed integer).
MAX_ID = 2**63 - 1
TOO_BIG = "The body is too large for a move: send the placements of one day's talks at most."
NO_PERMISSION = "Moving talks needs the permission “Can change talk”, which your account lacks."


def may_move(request):
    return request.user.has_perm("program.change_talk")


def move_url_pattern():
    """The move form's address for talk 0 (the template and the script put the id in)."""
    return reverse("admin:program_talk_move", args=[0])


def for_editor(talks):
    """``talks`` with what the editor writes of them and nothing more (a day of a 20-room
    edition is hundreds of talks: their abstracts and speakers' bios took half its time),
    in time and room order."""
    speaker_links = (
        TalkSpeaker.objects.select_related("speaker")
        .only("talk_id", "position", "speaker_id", "speaker__name")
        .order_by("position")
    )
    return (
        talks.select_related("type", "track")
        .only(
            *("conference", "title", "status", "start", "end", "room", "duration"),
            *("type__slug", "type__name", "track__slug", "track__name"),
        )
        .prefetch_related(Prefetch("speaker_links", speaker_links, to_attr="ordered_speaker_links"))
        .order_by("start", "room__position", "title")
    )


def schedule_view(request, model_admin, object_id):
    conference = get_object_or_404(Conference, pk=row_id(object_id))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "conference": conference,
        "title": f"Schedule of {conference}",
    }
    if not may_move(request):
        return refused(request, context, NO_PERMISSION)
    day = chosen_day(conference, request.GET.get("day", ""))
    if day is None:
        raise Http404(f"{conference} has no day “{request.GET['day'][:20]}”.")
    tz = conference.tzinfo
    first_moment, last_moment = conference.day_bounds(day)
    talks = for_editor(
        Talk.objects.filter(conference=conference).overlapping(first_moment, last_moment)
    )
    blocks = day_blocks(talks, day, tz)
    first, last = day_span(blocks)
    rooms = list(conference.rooms.order_by("position", "name"))
    tracks = list(conference.tracks.order_by("name"))
    types = list(TalkType.objects.order_by("name"))
    picked = bool(request.GET.get("pick"))
    rooms_shown = set(request.GET.getlist("room")) if picked else {str(r.pk) for r in rooms}
    tracks_shown = (
        set(request.GET.getlist("track")) if picked else {t.slug for t in tracks} | {NO_TRACK}
    )
    waiting = unscheduled_talks(conference, request.GET)
    pattern = move_url_pattern()
    macros = engines["jinja2"].env.get_template("admin/_schedule_blocks.html").module
    sessions = {room.pk: [] for room in rooms}
    for session in editor_sessions(conference, first_moment, last_moment):
        sessions[session.room_id].append(editor_session(session, day, tz))
    by_room = {room.pk: [] for room in rooms}
    for block in blocks:
        by_room[block.talk.room_id].append(
            editor_block(block.talk, block, pattern, tracks_shown, tz)
        )
    columns = [
        {
            "room": room,
            "hidden": str(room.pk) not in rooms_shown,
            "html": macros.sessions(sessions[room.pk])
            + macros.blocks(by_room[room.pk], "No talks this day."),
        }
        for room in rooms
    ]
    waiting["html"] = macros.blocks(
        [editor_block(talk, None, pattern, tracks_shown, tz) for talk in waiting["talks"]],
        "No unscheduled talks.",
    )
    context.update(
        {
            "day": day,
            "day_label": day_heading(day),
            "days": [(each, day_heading(each)) for each in conference.dates()],
            "kept": kept_choices(request.GET),
            "columns": columns,
            "first_minute": first,
            "last_minute": last,
            "row_minutes": ROW_MINUTES,
            "hours": hour_marks(first, last),
            "tracks": tracks,
            "tracks_shown": tracks_shown,
            "no_track": NO_TRACK,
            "types": types,
            "waiting": waiting,
            "move_endpoint": pattern,
            "release_url": release_url(conference),
            "title": f"Schedule of {conference}: {day_heading(day)}",
        }
    )
    return render(request, "admin/program/conference/schedule.html", context)


def kept_choices(params):
    """The query string of the rooms, tracks and unscheduled filter chosen (all parameters
    but ``day``), which the day links keep: "&pick=1&room=4", or ""."""
    kept = params.copy()
    kept.pop("day", None)
    return f"&{kept.urlencode()}" if kept else ""


def editor_block(talk, slot, move_pattern, tracks_shown, tz):
    """The plain values templates/jinja2/admin/_schedule_blocks.html writes a talk with:
    on the grid with ``slot`` (a schedule_day.EditorBlock), else in the unscheduled list.
    ``move_pattern``: move_url_pattern()."""
    track_key = talk.track.slug if talk.track_id else NO_TRACK
    placed = slot is not None
    if placed:
        time = f"{talk.start.astimezone(tz):%H:%M}–{talk.end.astimezone(tz):%H:%M}"
    else:
        time = f"{talk.duration_minutes} min"
    return {
        "id": talk.pk,
        "status": talk.status,
        "status_label": talk.get_status_display(),
        "type": talk.type.slug,
        "type_name": talk.type.name,
        "track_key": track_key,
        "track_name": talk.track.name if talk.track_id else "",
        "length": talk.duration_minutes,
        "speaker_ids": " ".join(str(link.speaker_id) for link in talk.ordered_speaker_links),
        "speakers": ", ".join(speaker.name for speaker in talk.ordered_speakers),
        "room": talk.room_id if placed else None,
        "start_minute": slot.start_minute if placed else None,
        "end_minute": slot.end_minute if placed else None,
        "time": time,
        "title": talk.title,
        "move_url": move_pattern.replace("/0/", f"/{talk.pk}/", 1),
        "hidden": track_key not in tracks_shown or getattr(talk, "matches", True) is False,
    }


def editor_sessions(conference, first_moment, last_moment):
    """The edition's sessions that run between the two moments (a day), with their chairs:
    two queries."""
    return (
        Session.objects.filter(conference=conference, start__lt=last_moment, end__gt=first_moment)
        .prefetch_related(Prefetch("chairs", Speaker.objects.order_by("name").only("name")))
        .order_by("start", "pk")
    )


def editor_session(session, day, tz):
    """The plain values the ``sessions`` macro of templates/jinja2/admin/_schedule_blocks.html
    writes a session with: its minutes on ``day`` as a talk's (schedule_day.day_minutes)."""
    first, last = day_minutes(session, day, tz)
    return {
        "id": session.pk,
        "title": session.title,
        "kind": KIND_LABELS[session.kind].lower(),
        "room": session.room_id,
        "start_minute": first,
        "end_minute": last,
        "time": f"{session.start.astimezone(tz):%H:%M}–{session.end.astimezone(tz):%H:%M}",
        "chairs": ", ".join(chair.name for chair in session.chairs.all()),
        "move_url": reverse(
            "admin:program_conference_session_move", args=[session.conference_id, session.pk]
        ),
    }


def unscheduled_talks(conference, params):
    """The edition's unscheduled talks (title order), each with ``matches``: whether it
    matches ``q``, ``type`` and ``track`` of ``params`` (the others are listed hidden, for
    the script to show again as the filter changes), and the values those were read as."""
    talks = Talk.objects.filter(conference=conference).unscheduled()
    query = params.get("q", "").strip()[:200]
    type_slug = params.get("type", "")
    track_slug = params.get("utrack", "")
    matching = talks
    if query:
        matching = matching.search(query)
    if type_slug:
        matching = matching.filter(type__slug=type_slug)
    if track_slug == NO_TRACK:
        matching = matching.filter(track__isnull=True)
    elif track_slug:
        matching = matching.filter(track__slug=track_slug)
    listed = list(for_editor(talks).order_by("title", "pk"))
    chosen = (
        {t.pk for t in listed} if matching is talks else set(matching.values_list("pk", flat=True))
    )
    for talk in listed:
        talk.matches = talk.pk in chosen
    return {"talks": listed, "q": query, "type": type_slug, "track": track_slug}


def track_styles_view(request, model_admin, object_id):
    """Each track of the edition with its colour and readable ink, as tracks.css."""
    conference = get_object_or_404(Conference, pk=row_id(object_id))
    if not may_move(request):
        return refused(request, {**model_admin.admin_site.each_context(request)}, NO_PERMISSION)
    tracks = [
        (track.slug, track.colour.lower(), label_ink(track.colour))
        for track in conference.tracks.order_by("slug")
        if COLOUR.fullmatch(track.colour) and slug_re.fullmatch(track.slug)
    ]
    return render(request, "program/tracks.css", {"tracks": tracks}, content_type="text/css")


class BadPlacement(ValueError):
    """A placement the editor sent that names no talk, room or time of the edition."""


def moment(conference, day, value):
    """The aware moment of ``value`` (HH:MM, or 24:00) on ``day`` in the edition's zone."""
    if not isinstance(value, str) or not CLOCK.fullmatch(value):
        raise BadPlacement(f"“{str(value)[:20]}” is no time written HH:MM.")
    clock_time = value if value == END_OF_DAY else dt.time.fromisoformat(value)
    try:
        return time_on(day, clock_time, conference.tzinfo)
    except SkippedTime as error:
        raise BadPlacement(str(error)) from error


def placements_from(conference, data):
    """The moves.Placements the JSON body ``data`` asks for.

    ``data``: ``{"placements": [{"talk": <id>, "day": "YYYY-MM-DD", "start": "HH:MM",
    "room": <id>, "end": "HH:MM" (optional: else the talk keeps its length)}, ...]}``; a
    placement with ``"room": null`` and no day or start sends the talk back to the
    unscheduled list. Raises BadPlacement naming what is wrong.
    """
    items = data.get("placements") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise BadPlacement('Send a list of placements: {"placements": [...]}.')
    if not all(isinstance(item, dict) for item in items):
        raise BadPlacement("Each placement is an object with talk, day, start and room.")
    ids = [item.get("talk") for item in items]
    if not all(type(pk) is int for pk in ids):
        raise BadPlacement("Each placement names its talk by id.")
    if len(set(ids)) != len(ids):
        raise BadPlacement("A talk can be placed only once in one move.")
    # An id the database cannot hold names no talk (and would not reach it).
    known = [pk for pk in ids if 0 < pk <= MAX_ID]
    talks = Talk.objects.filter(conference=conference, pk__in=known).select_related(
        "conference", "room"
    )
    talks = {talk.pk: talk for talk in talks}
    rooms = {room.pk: room for room in conference.rooms.all()}
    days = set(conference.dates())
    placements = []
    for item in items:
        talk = talks.get(item["talk"])
        if talk is None:
            raise BadPlacement(f"Talk {item['talk']} is no talk of {conference}.")
        if item.get("room") is None and item.get("start") is None and item.get("day") is None:
            placements.append(unplaced(talk))
            continue
        room_id = item.get("room")
        # Only an id: a list would not hash, and true or 1.0 would name room 1.
        room = rooms.get(room_id) if type(room_id) is int else None
        if room is None:
            raise BadPlacement(
                f"“{talk}”: room {str(item.get('room'))[:20]} is no room of {conference}."
            )
        try:
            day = dt.date.fromisoformat(str(item.get("day")))
        except ValueError:
            day = None
        if day not in days:
            raise BadPlacement(
                f"“{talk}”: “{str(item.get('day'))[:20]}” is no day of {conference}."
            )
        start = moment(conference, day, item.get("start"))
        end = moment(conference, day, item["end"]) if item.get("end") is not None else None
        if end is not None and end <= start:
            raise BadPlacement(f"“{talk}” must end after it starts.")
        placements.append(placed_at(talk, start, room, end))
    return placements


def refusals(placements):
    """What Talk.clean() says of each placement, as "“Title”: message" (place() would raise
    the first of them without naming its talk). An empty list: place() may go ahead."""
    messages = []
    for placement in placements:
        talk = copy.copy(placement.talk)
        talk.start, talk.end, talk.room = placement.start, placement.end, placement.room
        try:
            talk.clean()
        except ValidationError as error:
            messages += [f"“{talk}”: {message}" for message in error.messages]
    return messages


def place_view(request, model_admin, object_id):
    """POST a JSON body (placements_from) -> 200 ``{"talks": [block, ...], "clashes":
    [clash, ...]}`` (program/admin/schedule_json.py), or 400 ``{"errors": {"__all__":
    ["message", ...]}}`` with nothing saved; 403 without "Can change talk", 405 but POST."""
    conference = get_object_or_404(Conference, pk=row_id(object_id))
    if not may_move(request):
        return JsonResponse({"errors": {"__all__": [NO_PERMISSION]}}, status=403)
    if request.method != "POST":
        return JsonResponse({"errors": {"__all__": ["Send the placements with POST."]}}, status=405)
    try:
        data = json.loads(request.body or b"null")
        placements = placements_from(conference, data)
    except RequestDataTooBig:  # past DATA_UPLOAD_MAX_MEMORY_SIZE: the script reads JSON
        return JsonResponse({"errors": {"__all__": [TOO_BIG]}}, status=400)
    except (ValueError, BadPlacement) as error:
        message = str(error) if isinstance(error, BadPlacement) else "The body is not JSON."
        return JsonResponse({"errors": {"__all__": [message]}}, status=400)
    if messages := refusals(placements):
        return JsonResponse({"errors": {"__all__": messages}}, status=400)
    try:
        clashes = place(placements, by=request.user)
    except ValidationError as error:  # refusals() missed it: still said, nothing saved
        return JsonResponse({"errors": {"__all__": error.messages}}, status=400)
    return JsonResponse(
        {
            "talks": [talk_block(placement.talk) for placement in placements],
            "clashes": [clash_json(clash) for clash in clashes],
        }
    )

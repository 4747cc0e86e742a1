"""The talk admin's move page, ``<admin>/program/talk/<id>/move/`` (URL name
``admin:program_talk_move``): a talk's new day, start time and room, its end too or else its
length kept, the move the schedule editor makes by dragging, for the editor's keyboard path
and for "Move to…" on the talk's page. It needs "Can change talk" (403 otherwise, whether
the talk exists or not; then 404 for an unknown talk).

A POST sends the form fields ``day`` (``YYYY-MM-DD``, a day in the edition's timezone),
``start`` (``HH:MM``, 24-hour, the edition's wall clock), ``room`` (a room id of the talk's
edition) and optionally ``end`` (``HH:MM``, the same day; ``24:00`` is its midnight, as the
schedule editor sends a talk that ends the day), with the CSRF token as any admin
POST (the ``X-CSRFToken`` header works). Without ``end`` the talk keeps its length (end
minus start, else its ``duration``, else 30 minutes: program.moves.placed_at). A time that
happens twice when the clocks go back is its first occurrence; one the clocks skip is
refused. A clash never refuses a move, as the talk form saves one; what the talk form
refuses is refused (an end before the start, a room of another edition).

HTML: GET shows the form with the talk's working slot; a valid POST saves the move
(program.moves.place: one transaction, the admin log "Moved from ... to ...", the history
with who moved it) and redirects to the editor's day
(``<admin>/program/conference/<id>/schedule/?day=YYYY-MM-DD#talk-<id>``) with a message
naming each clash; an invalid one shows the form again with its errors and what was typed.

JSON, for ``Accept: application/json``:

- 200 ``{"talk": BLOCK, "clashes": [CLASH, ...]}``: after a POST, the talk as moved and the
  clashes it takes part in; for a GET, as it is now.
- 400 ``{"errors": {"<field or __all__>": ["message", ...]}}``; nothing is saved.
- 403 and 404 ``{"errors": {"__all__": ["message"]}}``.

BLOCK (admin/schedule_json.py ``talk_block``)::

    {"id": 7, "title": "LMCache", "status": "published", "day": "2026-05-19",
     "start": "10:00", "end": "10:25", "room": 3,
     "start_iso": "2026-05-19T10:00:00-07:00", "end_iso": "2026-05-19T10:25:00-07:00"}

``day``, ``start`` and ``end`` in the edition's timezone; an unscheduled talk has ``null``
for them, the room and both ISO times.

CLASH (``clash_json``), one per other talk in the same room, or per speaker the two share,
at an overlapping time::

    {"talk": 7, "other": 9, "other_title": "Opening", "kind": "room" or "speaker",
     "speaker": null or "Ion Stoica",
     "message": "Room clash: “Opening” is also in Hall B at Tuesday, May 19, 10:15 AM PDT."}
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from program.admin.base import clash_warnings, local_when, row_id
from program.admin.imports import refused
from program.admin.schedule_json import clash_json, talk_block
from program.clashes import find_clashes
from program.models import Talk
from program.moves import length_of, place, placed_at, where_label
from program.times import END_OF_DAY, SkippedTime, day_heading, duration_words, time_on

JSON = "application/json"

NOT_ALLOWED = "Moving a talk needs the permission “Can change talk”, which your account lacks."


class EndField(forms.TimeField):
    """A time HH:MM, or END_OF_DAY (kept as that string: no time of day is 24:00)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() == END_OF_DAY:
            return END_OF_DAY
        return super().to_python(value)


class PlaceForm(forms.Form):
    """A day, start and room of ``conference``, in its wall-clock time: what a talk's and a
    session's move pages share. ``days``: the days offered (the edition's, by default)."""

    day = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.Select,
        error_messages={"invalid": "Enter the day as YYYY-MM-DD, e.g. 2026-05-18."},
    )
    start = forms.TimeField(
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter the start as HH:MM (24-hour clock), e.g. 09:30."},
    )
    room = forms.ModelChoiceField(queryset=None, empty_label="Choose a room")

    def __init__(self, *args, conference, days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.days = days or conference.dates()
        day = self.fields["day"]
        day.widget.choices = [(each.isoformat(), day_heading(each)) for each in self.days]
        day.help_text = f"A day of {conference}, in its timezone ({conference.timezone})."
        room = self.fields["room"]
        room.queryset = conference.rooms.all()
        room.error_messages["invalid_choice"] = f"Choose a room of {conference}."

    def clean_day(self):
        """One of the days offered: a POST may send any date, which would take the talk
        or session out of its edition's program."""
        day = self.cleaned_data["day"]
        if day not in self.days:
            conference = self.conference
            raise ValidationError(
                f"Choose a day of {conference}: {day_heading(conference.start_date)} to "
                f"{day_heading(conference.end_date)}, {conference.end_date.year}."
            )
        return day


class MoveForm(PlaceForm):
    """Where ``talk`` goes, in its edition's wall-clock time.

    A time that happens twice (the clocks go back) is its first occurrence; one the clocks
    skip is refused, saying so (program.times.conference_time).
    """

    end = EndField(
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter the end as HH:MM (24-hour clock), e.g. 10:15."},
    )

    def __init__(self, *args, talk, **kwargs):
        conference = talk.conference
        days = conference.dates()
        if talk.is_scheduled and talk.local_start.date() not in days:  # kept where it is
            days = sorted({*days, talk.local_start.date()})
        super().__init__(*args, conference=conference, days=days, **kwargs)
        self.talk = talk
        self.fields["end"].help_text = (
            f"Optional, the same day. Leave it empty to keep the talk's length "
            f"({duration_words(length_of(talk))})."
        )

    def clean(self):
        cleaned = super().clean()
        day, zone = cleaned.get("day"), self.talk.conference.tzinfo
        for name in ("start", "end"):
            if day is not None and cleaned.get(name) is not None:
                try:
                    moment = time_on(day, cleaned[name], zone)
                except SkippedTime as error:
                    self.add_error(name, str(error))
                else:
                    # In UTC: the length kept is time that passes, across a clock change too.
                    cleaned[f"{name}_at"] = moment.astimezone(dt.UTC)
        return cleaned

    def placement(self):
        """The program.moves.Placement the valid form asks for."""
        data = self.cleaned_data
        return placed_at(self.talk, data["start_at"], data["room"], data.get("end_at"))

    def add_refusal(self, error):
        """Talk.clean's ValidationError at the fields it names (else above the form)."""
        for name, errors in error.message_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def initial_slot(talk):
    """The form's values for the talk's working slot (none but the first day for an
    unscheduled talk)."""
    if not talk.is_scheduled:
        return {"day": talk.conference.start_date}
    start = talk.local_start
    return {"day": start.date(), "start": start.time(), "room": talk.room_id}


def editor_day_url(talk):
    """The schedule editor's day of the (placed) talk, scrolled to it."""
    editor = reverse("admin:program_conference_schedule", args=[talk.conference_id])
    return f"{editor}?day={talk.local_start.date().isoformat()}#talk-{talk.pk}"


def move_talk_view(model_admin, request, object_id):
    """The move page of the talk ``object_id`` (mounted by TalkAdmin.get_urls in
    ``admin_view``: staff only, CSRF-protected). 403 without "Can change talk", whether the
    talk exists or not; then 404 for an unknown talk."""
    as_json = request.get_preferred_type(["text/html", JSON]) == JSON
    if not model_admin.has_change_permission(request):
        return _refused(request, model_admin, as_json)
    pk = row_id(unquote(object_id))
    talk = Talk.objects.select_related("conference", "room").filter(pk=pk).first()
    if talk is None:
        message = f"No talk has the id “{object_id}”."
        if as_json:
            return JsonResponse({"errors": {"__all__": [message]}}, status=404)
        raise Http404(message)
    if not model_admin.has_change_permission(request, talk):
        return _refused(request, model_admin, as_json)

    now = _now_label(talk)  # before a refused move changes the talk in memory
    data = request.POST if request.method == "POST" else None
    form = MoveForm(data, talk=talk, initial=initial_slot(talk))
    if request.method == "POST" and form.is_valid():
        try:
            clashes = place([form.placement()], by=request.user)
        except ValidationError as error:
            form.add_refusal(error)
        else:
            return _moved(request, talk, clashes, as_json)
    if as_json:
        if form.is_bound:
            errors = {name: list(errors) for name, errors in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        clashes = find_clashes(talk.conference, talk=talk) if talk.is_scheduled else []
        return JsonResponse({"talk": talk_block(talk), "clashes": [clash_json(c) for c in clashes]})
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Move “{talk.title}”",
        "opts": model_admin.model._meta,
        "talk": talk,
        "now": now,
        "form": form,
    }
    return render(request, "admin/program/talk/move.html", context)


def _moved(request, talk, clashes, as_json):
    if as_json:
        return JsonResponse({"talk": talk_block(talk), "clashes": [clash_json(c) for c in clashes]})
    messages.success(request, f"“{talk.title}” moved to {where_label(talk)}.")
    for warning in clash_warnings(clashes, len(clashes)):
        messages.warning(request, warning)
    return HttpResponseRedirect(editor_day_url(talk))


def _now_label(talk):
    """'Monday, May 18, 9:00–9:25 AM PDT in Hall A' or 'Unscheduled (45 minutes once
    placed)'."""
    if not talk.is_scheduled:
        return f"Unscheduled ({duration_words(length_of(talk))} once placed)"
    return f"{local_when(talk)} in {talk.room}"


def _refused(request, model_admin, as_json):
    if as_json:
        return JsonResponse({"errors": {"__all__": [NOT_ALLOWED]}}, status=403)
    context = {**model_admin.admin_site.each_context(request), "title": "Move a talk"}
    return refused(request, context, NOT_ALLOWED)

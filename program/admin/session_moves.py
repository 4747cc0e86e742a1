"""A session's move page in the schedule editor,
``<admin>/program/conference/<id>/schedule/sessions/<session id>/move/`` (URL name
``admin:program_conference_session_move``): the session's new day, start time and room; its
talks move with it (program/session_moves.py). The editor's "Move session…" link opens it,
so the keyboard and a browser without JavaScript move a session as they move a talk.

It needs "Can change talk" and "Can change session" (403 otherwise, whether the session
exists or not; then 404 for a session unknown in that edition). A POST sends ``day``
(``YYYY-MM-DD``, a day of the edition), ``start`` (``HH:MM``, the edition's wall clock) and
``room`` (a room id of the edition) with the CSRF token; a valid one moves the session and
its talks in one transaction and redirects to the editor's day of the session
(``...schedule/?day=YYYY-MM-DD#session-<id>``) with a message naming each clash; an invalid
one shows the form again with its errors, nothing moved.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from program.admin.base import clash_warnings, row_id
from program.admin.imports import refused
from program.admin.talk_moves import PlaceForm
from program.models import Conference, Session
from program.session_moves import move_session, working_talks
from program.times import SkippedTime, day_heading, time_on, time_range

NOT_ALLOWED = (
    "Moving a session needs the permissions “Can change talk” and “Can change session”, "
    "which your account lacks."
)


class SessionMoveForm(PlaceForm):
    """Where ``session`` goes, in its edition's wall-clock time; it keeps its length."""

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, conference=session.conference, **kwargs)
        self.session = session

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("day"), cleaned.get("start")
        if day is not None and start is not None:
            try:
                moment = time_on(day, start, self.session.conference.tzinfo)
            except SkippedTime as error:
                self.add_error("start", str(error))
            else:
                cleaned["start_at"] = moment.astimezone(dt.UTC)
        return cleaned


def session_label(session):
    """'Monday, May 18, 9:00–10:40 AM PDT in Grand Ballroom 1'."""
    tz = session.conference.tzinfo
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    return f"{day_heading(start)}, {time_range(start, end)} in {session.room}"


def session_move_view(request, model_admin, object_id, session_id):
    if not (
        request.user.has_perm("program.change_talk")
        and request.user.has_perm("program.change_session")
    ):
        context = {**model_admin.admin_site.each_context(request), "title": "Move a session"}
        return refused(request, context, NOT_ALLOWED)
    conference = get_object_or_404(Conference, pk=row_id(object_id))
    session = (
        Session.objects.select_related("conference", "room")
        .filter(conference=conference, pk=session_id)
        .first()
    )
    if session is None:
        raise Http404(f"{conference} has no session with the id “{session_id}”.")
    now = session_label(session)
    talks = list(working_talks(session))
    initial = {
        "day": session.start.astimezone(conference.tzinfo).date(),
        "start": session.start.astimezone(conference.tzinfo).time(),
        "room": session.room_id,
    }
    form = SessionMoveForm(request.POST or None, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clashes = move_session(
                session,
                start=form.cleaned_data["start_at"],
                room=form.cleaned_data["room"],
                by=request.user,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"“{session.title}” and its {len(talks)} talk{'s' if len(talks) != 1 else ''} "
                f"moved to {session_label(session)}.",
            )
            for warning in clash_warnings(clashes, len(clashes)):
                messages.warning(request, warning)
            editor = reverse("admin:program_conference_schedule", args=[conference.pk])
            day = session.start.astimezone(conference.tzinfo).date().isoformat()
            return HttpResponseRedirect(f"{editor}?day={day}#session-{session.pk}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Move “{session.title}”",
        "opts": model_admin.model._meta,
        "conference": conference,
        "session": session,
        "talks": talks,
        "now": now,
        "form": form,
    }
    return render(request, "admin/program/conference/session_move.html", context)

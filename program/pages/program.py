"""The program page: every talk of an edition through the filters, by day, with calendar links.

Its rows are built in pages/listing.py.
"""

from django.urls import reverse
from django.utils.http import urlencode

from program.agenda import webcal
from program.filters import TalkFilter
from program.pages.base import FilteredView
from program.pages.listing import (
    group_by_day,
    program_entries,
)
from program.pages.sessions import group_by_session, session_lines


class ProgramView(FilteredView):
    template_name = "program/talk_list.html"
    section = "program"
    staff_preview = True

    def get(self, request, *args, **kwargs):
        base = self.public_talks()
        filterset = TalkFilter(request.GET, base, conference=self.conference, request=request)
        valid = filterset.is_valid()
        entries = program_entries(filterset.qs, self.conference) if valid else []
        context = self.filter_context(request.GET, filterset)
        days = group_by_day(entries, filterset.form.cleaned_data.get("day") if valid else None)
        if days:
            # Each session's talks under its heading (docs/attendees/program.md).
            sessions = session_lines(self.conference)
            for day in days:
                day.entries = group_by_session(day.entries, sessions)
        context = self.get_context_data(
            days=days,
            talk_count=len(entries),
            total_count=base.count() if context["filtered"] and valid else len(entries),
            calendar=calendar_links(
                request,
                self.conference,
                [(name, value) for name, values in request.GET.lists() for value in values],
            ),
            **context,
        )
        return self.render_to_response(context, status=200 if valid else 400)


def calendar_links(request, conference, parameters):
    """Where a calendar app subscribes to a view of the program, ``parameters`` its filters
    as (name, value) pairs (empty values, which filter nothing, are left out).

    ``path`` downloads the file once; ``address`` (http or https, as the site is served) is
    what calendar apps take "from URL"; ``webcal`` is the same address with the scheme that
    opens the system's calendar app and subscribes.
    """
    path = reverse("program:program-ics", kwargs={"edition": conference.slug})
    given = [(name, value) for name, value in parameters if value]
    if given:
        path = f"{path}?{urlencode(given)}"
    address = request.build_absolute_uri(path)
    return {"path": path, "address": address, "webcal": webcal(address)}

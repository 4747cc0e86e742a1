"""The agenda: the talks an attendee picked, kept in the address (no account)."""

from django.views.generic import TemplateView

from program.agenda import agenda_query, overlapping_titles
from program.changes import gone_talks
from program.filters import TalkFilter
from program.pages.base import EditionMixin, filter_errors
from program.pages.listing import (
    group_by_day,
    program_entries,
    zone_label,
)
from program.pages.program import calendar_links


class AgendaView(EditionMixin, TemplateView):
    """A personal agenda from the URL (?talk=a&talk=b): the page a share link opens.

    The stars themselves live in the browser (static/js/site.js), which comes here with
    them; without JavaScript the page still lists the talks its URL names.
    """

    template_name = "program/talk_agenda.html"
    section = "agenda"

    def get(self, request, *args, **kwargs):
        requested = [slug for slug in request.GET.getlist("talk") if slug]
        filterset = TalkFilter(
            request.GET, self.public_talks(), conference=self.conference, request=request
        )
        valid = filterset.is_valid()
        entries, gone = [], []
        if valid and requested:
            entries = program_entries(filterset.qs, self.conference)
            gone = gone_talks(filterset.form.cleaned_data["talk"])
        overlaps = overlapping_titles(entries)
        days = [
            (day, [(entry, overlaps.get(entry.slug, ())) for entry in day.entries])
            for day in group_by_day(
                entries, filterset.form.cleaned_data.get("day") if valid else None
            )
        ]
        # The links name the talks by their current slugs: renamed and gone ones drop out.
        query = agenda_query(entry.slug for entry in entries)
        context = self.get_context_data(
            days=days,
            talk_count=len(entries),
            overlap_count=len(overlaps),
            gone=gone,
            errors=filter_errors(filterset),
            requested=requested,
            slugs=[entry.slug for entry in entries],
            share_url=request.build_absolute_uri(f"{request.path}?{query}"),
            calendar=calendar_links(
                request, self.conference, [("talk", entry.slug) for entry in entries]
            ),
            zone=zone_label(self.conference),
        )
        return self.render_to_response(context, status=200 if valid else 400)

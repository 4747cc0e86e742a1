"""The agenda: the talks an attendee picked, kept in the address (no account)."""

from django.views.generic import TemplateView

from program.agenda import agenda_query, encode_talks, overlapping_titles
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
    """A personal agenda from the URL: the page a share link opens.

    The URL names the talks by an agenda code (``?talks=``, program/agenda.py), by slugs
    (``?talk=a&talk=b``, the links shared before), or both. The stars themselves live in
    the browser (static/js/site.js), which comes here with them; without JavaScript the
    page still lists the talks its URL names.
    """

    template_name = "program/talk_agenda.html"
    section = "agenda"

    def get(self, request, *args, **kwargs):
        slugs = [slug for slug in request.GET.getlist("talk") if slug]
        requested = bool(slugs or request.GET.get("talks"))
        filterset = TalkFilter(
            request.GET, self.public_talks(), conference=self.conference, request=request
        )
        valid = filterset.is_valid()
        entries, gone, requested_ids, aliases = [], [], [], []
        if valid and requested:
            chosen = filterset.form.cleaned_data
            entries = program_entries(filterset.qs, self.conference)
            requested_ids = sorted(set(chosen["talk"] or ()) | set(chosen["talks"] or ()))
            gone = gone_talks(requested_ids, self.conference)
            known = filterset.form.fields["talk"].ids_by_slug
            # For the script: stars kept by slug before agenda codes, matched to their ids.
            aliases = [f"{slug}:{known[slug]}" for slug in slugs]
        overlaps = overlapping_titles(entries)
        days = [
            (day, [(entry, overlaps.get(entry.slug, ())) for entry in day.entries])
            for day in group_by_day(
                entries, filterset.form.cleaned_data.get("day") if valid else None
            )
        ]
        # The links name the talks listed, by id: gone ones drop out.
        ids = [entry.id for entry in entries]
        context = self.get_context_data(
            days=days,
            talk_count=len(entries),
            overlap_count=len(overlaps),
            gone=gone,
            errors=filter_errors(filterset),
            requested=requested,
            requested_ids=requested_ids,
            aliases=aliases,
            ids=ids,
            share_url=request.build_absolute_uri(f"{request.path}?{agenda_query(ids)}"),
            calendar=calendar_links(request, self.conference, [("talks", encode_talks(ids))]),
            zone=zone_label(self.conference),
        )
        return self.render_to_response(context, status=200 if valid else 400)

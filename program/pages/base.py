"""What every page of an edition shares: the edition from the URL with the yearly menu, the
program filters and their errors, and who may preview drafts.
"""

from django.http import Http404, QueryDict
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from program.models import Conference, Talk
from program.pages import embeds
from program.pages.listing import (
    filter_choices,
    zone_label,
)
from program.visibility import may_preview


def filter_errors(filterset):
    """Each invalid parameter as "Label: message", in the order of the form's fields."""
    form = filterset.form
    return [
        {"name": name, "label": form[name].label, "message": message}
        for name in form.fields
        for message in form.errors.get(name, [])
    ]


class EditionMixin:
    """The edition named in the URL, with the yearly menu, in one query.

    On the pages that set ``staff_preview`` (program, timetable, talks, speakers), staff
    who may preview also see an edition that is not published yet, marked "Not public"
    (``edition_preview``) and sent ``Cache-Control: private, no-store``: neither the shared
    response cache (which keeps no build that read the session) nor a browser or proxy keeps
    it. Everyone else gets 404, as for an unknown edition.

    The session is read only where the public answer is 404: a public page is the same for
    staff, so the shared cache answers it to any cookie (machinery/responses.py).
    """

    staff_preview = False
    edition_preview = False
    # A page of the edition's static copy (program/pages/archive.py): as_view(archive=True,
    # archive_site_url=<the copy's address or "">); templates/base.html leaves out what
    # needs the server.
    archive = False
    archive_site_url = ""
    # The page inside another site's frame (pages/embeds.py): set by its URL, as_view(embed=True).
    embed = False

    def dispatch(self, request, *args, **kwargs):
        self.editions = list(Conference.objects.published())
        matches = [edition for edition in self.editions if edition.slug == kwargs["edition"]]
        # Only now is the session read, so public pages never vary with the cookie; an
        # embed never reads it.
        if not matches and self.staff_preview and not self.embed and may_preview(request.user):
            matches = list(Conference.objects.filter(slug=kwargs["edition"]))
            self.edition_preview = True
        if not matches:
            raise Http404("No published edition has this name.")
        self.conference = matches[0]
        if self.embed:
            if embeds.target_error(request.GET):
                response = embeds.bad_target(self, request)
            else:
                response = super().dispatch(request, *args, **kwargs)
            return embeds.allow_framing(response, self.conference)
        response = super().dispatch(request, *args, **kwargs)
        if self.edition_preview:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        framing = {"kept_query": ""}
        if self.embed:
            framing = embeds.embed_context(self.request, self.conference)
        return super().get_context_data(
            conference=self.conference,
            editions=self.editions,
            section=self.section,
            edition_preview=self.edition_preview,
            archive=self.archive,
            archive_site_url=self.archive_site_url,
            **framing,
            **kwargs,
        )

    def kept_params(self):
        """The parameters a link back to a page without filters keeps: an embed's
        ``target`` (a QueryDict)."""
        params = QueryDict(mutable=True)
        if self.embed and self.request.GET.get("target"):
            params["target"] = self.request.GET["target"]
        return params

    def public_talks(self):
        """The edition's listed talks (Talk.objects.listed_in)."""
        return Talk.objects.listed_in(self.conference)


class FilteredView(EditionMixin, TemplateView):
    """A page of the edition's talks through the program filters (a bad one answers 400)."""

    # The filters that narrow what is shown, and the folded ones (by their choices): the
    # timetable always shows one day, chosen by its day links rather than a menu.
    narrowing = ("q", "type", "day", "room", "speaker", "track", "talk", "talks")
    folded = ("types", "tracks", "days", "rooms", "speakers")

    def filter_context(self, params, filterset):
        """What the filter form and the links to the other views need."""
        choices = filter_choices(self.conference, params)
        return {
            "filter": filterset,
            "errors": filter_errors(filterset),
            "filtered": any(value for name in self.narrowing for value in params.getlist(name)),
            "choices": choices,
            "query": params.get("q", ""),
            "agenda": params.getlist("talk"),
            "agenda_code": params.get("talks", ""),
            # What the folded part of the form shows as chosen: an invalid value shows as
            # nothing chosen, so it is not counted either.
            "more_filters_active": sum(
                choice.selected for name in self.folded for choice in choices[name]
            ),
            # Links between the program and the timetable keep the filters.
            "query_string": self.request.GET.urlencode(),
            "zone": zone_label(self.conference),
        }

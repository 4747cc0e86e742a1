"""What changed in the public program since it was published, newest first."""

import itertools

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.views.generic import TemplateView

from program.changes import change_summary, describe_changes, edition_changes
from program.links import slug_url
from program.material_changes import material_changes
from program.pages.base import EditionMixin
from program.pages.listing import (
    zone_label,
)

# Material changes listed on the first page (newest first).
MATERIAL_ENTRIES = 50


class ChangesView(EditionMixin, TemplateView):
    """Talks added, moved, cancelled, reinstated, removed and deleted, newest first, from
    the talks' history (program/changes.py), grouped under the release that made them
    public in an edition that holds changes; and the newest materials added, changed or
    removed (program/material_changes.py), in a section of the first page."""

    template_name = "program/change_list.html"
    section = "changes"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        paginator = Paginator(edition_changes(self.conference), self.paginate_by)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404("No such page of changes.") from error
        tz = self.conference.tzinfo
        changes = describe_changes(
            page.object_list,
            self.conference,
            talk_url=slug_url("program:talk-detail", self.conference.slug),
        )
        entries = [
            (change, change_summary(change, tz), change.changed_at.astimezone(tz))
            for change in changes
        ]
        # Newest first, a release's changes together (one moment): each release once, with
        # its changes under it; changes made outside releases stand alone.
        groups = [
            (release, release and release.released_at.astimezone(tz), list(group))
            for release, group in itertools.groupby(entries, key=lambda entry: entry[0].release)
        ]
        return super().get_context_data(
            page=page,
            changes=entries,
            groups=groups,
            released=any(release is not None for release, _at, _group in groups),
            zone=zone_label(self.conference),
            # On the first page only.
            materials=self.materials(tz) if page.number == 1 else [],
            **kwargs,
        )

    def materials(self, tz):
        """The newest materials added, changed or removed, times in ``tz``."""
        return [
            material._replace(changed_at=material.changed_at.astimezone(tz))
            for material in material_changes(
                self.conference,
                talk_url=slug_url("program:talk-detail", self.conference.slug),
                limit=MATERIAL_ENTRIES,
            )
        ]

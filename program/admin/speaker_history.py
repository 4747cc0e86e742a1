"""A speaker's History page: every version of the speaker and of their talks' materials,
each with who made it and why, from django-simple-history's records (``Speaker.history``,
``Resource.history``).

A speaker's change through their link is recorded with the reason "By the speaker, through
their link for <edition>" (and no user), an approved one with "Approved: by the speaker, ..."
and the approving organiser as the user (program/speaker_changes.py); an organiser's own
edits in the admin name that organiser (HistoryRequestMiddleware). The speaker's e-mail
address is in no record (the model's history excludes it), so none shows here.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from program.models import Resource, Speaker, TalkSpeaker

# The newest versions shown; a speaker with more is a rare, long-lived one.
SHOWN_VERSIONS = 200
SPEAKER_FIELDS = {
    "name": "name",
    "slug": "slug",
    "affiliation": "affiliation",
    "bio": "bio",
    "photo": "photo",
}
KIND_LABELS = dict(Resource.Kind.choices)
ACTIONS = {"+": "Added", "~": "Changed", "-": "Removed"}
PREPOSITIONS = {"+": "to", "~": "of", "-": "from"}

NOTHING_RECORDED = "Saved, no recorded field changed (e-mail addresses are never recorded)"


def speaker_versions(speaker):
    """The speaker's records as ``(date, record, what)``, oldest first: ``what`` says which
    fields a change touched ("Changed the bio and photo"), or "Added"."""
    records = list(
        Speaker.history.model.objects.filter(id=speaker.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    versions, before = [], None
    for record in records:
        if before is None or record.history_type != "~":
            what = {"+": "Added the speaker", "-": "Deleted the speaker"}.get(
                record.history_type, "Changed the speaker"
            )
        else:
            changed = [
                label
                for field, label in SPEAKER_FIELDS.items()
                if getattr(record, field) != getattr(before, field)
            ]
            # The e-mail address is never recorded: a save of it alone changes nothing here.
            what = f"Changed the {and_list(changed)}" if changed else NOTHING_RECORDED
        versions.append((record.history_date, record, what))
        before = record
    return versions


def material_versions(speaker):
    """The records of the materials of the speaker's talks (of every edition), as
    ``(date, record, what)``: "Added Slides “Deck” https://… to LMCache"."""
    talks = dict(TalkSpeaker.objects.filter(speaker=speaker).values_list("talk_id", "talk__title"))
    records = (
        Resource.history.model.objects.filter(talk_id__in=talks)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    versions = []
    for record in records:
        title = f" “{record.title}”" if record.title else ""
        label = KIND_LABELS.get(record.kind, record.kind)
        what = (
            f"{ACTIONS[record.history_type]} {label}{title} {record.url} "
            f"{PREPOSITIONS[record.history_type]} {talks[record.talk_id]}"
        )
        versions.append((record.history_date, record, what))
    return versions


def and_list(words):
    """'bio', 'bio and photo', 'name, bio and photo'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class SpeakerHistoryMixin:
    """The History page of SpeakerAdmin: the speaker's and their materials' versions."""

    def history_view(self, request, object_id, extra_context=None):
        speaker = self.get_object(request, unquote(object_id))
        if speaker is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, speaker):
            raise PermissionDenied
        versions = sorted(
            speaker_versions(speaker) + material_versions(speaker),
            key=lambda version: (version[0], version[1].history_id),
        )[-SHOWN_VERSIONS:]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {speaker}",
            "subtitle": None,
            "versions": versions,
            "shown_versions": SHOWN_VERSIONS,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": speaker,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/program/speaker/history.html", context)

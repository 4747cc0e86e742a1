"""A speaker's private page, ``/<edition>/speaker/<token>/``: their profile and their
talks' materials to edit, their talks' times and rooms, and what waits for approval.

program/urls.py wraps it in ``machinery.private.private`` (headers, the count of failed
links, 429): an unknown link (speaker_links.LinkUnknown) is answered 404 and a revoked or
expired one (LinkGone) 410 by that wrapper, before anything is read or written. Saving
goes through program.speaker_changes.submit(), which keeps the change for approval or
makes it public, as the edition says.
"""

import re

from django.db.models import F, Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from program.machinery.middleware import upload_limit
from program.models import Resource, SpeakerChange, Talk
from program.pages.speaker_forms import ProfileForm, material_formsets, valid_parts
from program.photos import MAX_PHOTO_BYTES, photo_sizes
from program.speaker_changes import own_talks, pending_change, submit
from program.speaker_links import find, link_path, mark_used
from program.times import day_heading, time_range

# The form's text around the photo: a full photo and a long bio fit well within it.
FORM_ALLOWANCE = 256 * 1024
# A POST field of a talk's materials: "talk-<talk id>-..." (speaker_forms.talk_prefix).
TALK_FIELD = re.compile(r"talk-(\d+)-")
SAVED = {
    "pending": "Saved. Your changes wait for an organiser's approval (listed below).",
    "live": "Saved. Your changes are on the public pages now.",
    "unchanged": "Nothing to save: the form was as it stands.",
}


@upload_limit(MAX_PHOTO_BYTES + FORM_ALLOWANCE)
@require_http_methods(["GET", "HEAD", "POST"])
def speaker_link_page(request, edition, token):
    link = find(edition, token)
    speaker, conference = link.speaker, link.conference
    talks = list(
        own_talks(link)
        .select_related("type")
        .prefetch_related(
            Prefetch("resources", queryset=Resource.objects.order_by("position", "pk"))
        )
        .order_by(F("start").asc(nulls_last=True), "title", "pk")
    )
    change = pending_change(speaker, conference)
    profile_initial = {field: getattr(speaker, field) for field in ("name", "affiliation", "bio")}
    materials_initial = {
        talk.pk: [{"kind": r.kind, "url": r.url, "title": r.title} for r in talk.resources.all()]
        for talk in talks
    }
    if change is not None:  # the form shows what the speaker asked for, still waiting
        profile_initial |= change.values
        materials_initial |= {int(key): items for key, items in change.resources.items()}

    if request.method != "POST":
        mark_used(link)
        return page(
            request,
            link,
            talks,
            change,
            ProfileForm(initial=profile_initial),
            material_formsets(talks, materials_initial),
            saved=SAVED.get(request.GET.get("saved", "")),
        )

    own = {talk.pk for talk in talks}
    if any(int(m[1]) not in own for m in map(TALK_FIELD.match, request.POST) if m):
        return HttpResponse(
            "This link edits the materials of your own talks in this edition only: nothing "
            "was saved.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    profile = ProfileForm(request.POST, request.FILES, initial=profile_initial)
    formsets = material_formsets(talks, materials_initial, request.POST)
    change = submit(link, **valid_parts(profile, formsets, speaker))
    mark_used(link)
    if profile.errors or any(not formset.is_valid() for formset in formsets.values()):
        # The valid parts are saved; the others keep what was typed, with their errors.
        return page(request, link, talks, pending_change(speaker, conference), profile, formsets)
    state = "unchanged" if change is None else change.status
    if state == SpeakerChange.Status.APPROVED:  # cannot happen on a new save; say saved
        state = "pending"
    return HttpResponseRedirect(f"{link_path(conference, token)}?saved={state}", status=303)


def page(request, link, talks, change, profile, formsets, saved=None):
    speaker, conference = link.speaker, link.conference
    # The talks as the public sees them (the last release): their day, time and room.
    public = {
        talk.pk: talk
        for talk in Talk.objects.listed_in(conference)
        .filter(speakers=speaker)
        .select_related("public_room")
    }
    titles = {str(talk.pk): talk.title for talk in talks}
    partly = profile.is_bound and (
        profile.errors or any(not formset.is_valid() for formset in formsets.values())
    )
    context = {
        "conference": conference,
        "speaker": speaker,
        "talks": [slot(talk, public.get(talk.pk), formsets[talk], conference) for talk in talks],
        "profile": profile,
        "change": change,
        "pending": pending_context(change, titles) if change else None,
        "needs_approval": conference.speaker_changes_need_approval,
        "edit_until": conference.speaker_edit_until,
        "calendar_url": reverse(
            "program:speaker-calendar",
            kwargs={"edition": conference.slug, "token": request.resolver_match.kwargs["token"]},
        ),
        "saved": saved,
        "partly_saved": partly,
    }
    return TemplateResponse(request, "program/speaker_link.html", context)


def slot(talk, public, formset, conference):
    """A talk of the page: its public day, time and room (None when it is not public)."""
    row = {"talk": talk, "public": public, "formset": formset}
    if public is not None:
        tz = conference.tzinfo
        start, end = public.start.astimezone(tz), public.end.astimezone(tz)
        row |= {
            "day": day_heading(start),
            "time": time_range(start, end),
            "start": start,
            "end": end,
            "room": public.room,
        }
    return row


def pending_context(change, titles):
    """What waits for approval, as the page lists it."""
    return {
        "values": [
            (label, change.values[field])
            for field, label in (("name", "Name"), ("affiliation", "Affiliation"), ("bio", "Bio"))
            if field in change.values
        ],
        "photo": photo_sizes(change.photo.name, change.photo_width, change.photo_height),
        "remove_photo": change.remove_photo,
        "materials": [(titles.get(key, ""), items) for key, items in change.resources.items()],
    }

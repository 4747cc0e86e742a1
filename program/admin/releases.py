"""An edition's Release page (``<admin>/program/conference/<id>/release/``, mounted by
ConferenceAdmin.get_urls), and the talk admin's refusal to delete talks the public sees
until the next release.

The page shows what the next release will change (program/release_preview.py), takes a
name and an optional note, and releases what it showed through release_as_seen() (which
calls program.releases.release()): the admin holds no rule of its own. It needs "Can change
talk", as moving talks does. With nothing held it still releases, to rename the program as
it stands; an edition that does not hold changes has no release to make.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext

from program.admin.base import rendered_in, row_id
from program.admin.imports import refused
from program.admin.text import StorableText
from program.models import Conference, Release, Talk
from program.models.releases import held_deletion_message
from program.release_preview import Outdated, preview, release_as_seen

# Refusals listed by name on a bulk delete; the others are counted.
LISTED_REFUSALS = 10

STALE = (
    "The waiting changes are not the ones this page showed: a talk was changed, or a "
    "release made, meanwhile. Check them below, then release again."
)


class ReleaseForm(forms.Form):
    name = forms.CharField(
        max_length=Release._meta.get_field("name").max_length,
        validators=[StorableText("Name")],
        help_text="Shown to the public with the release, and as the schedule's version in "
        "schedule apps, e.g. “Final” or “Room change for Tuesday”.",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        validators=[StorableText("Note")],
        help_text="Optional: what changed and why, shown on the changes page.",
    )
    # The preview's fingerprint: a release changes only what the organiser saw.
    seen = forms.CharField(widget=forms.HiddenInput)


def release_view(request, object_id):
    """GET: the preview, the form and the edition's releases. POST: release, then back
    here with a message; a form left incomplete, or changes made since the page was
    shown, re-render the page with what was typed. 403 without "Can change talk", 404 for
    an unknown edition."""
    pk = row_id(object_id)
    conference = Conference.objects.filter(pk=pk).first() if pk is not None else None
    if conference is None:
        raise Http404("No such edition.")
    context = {
        **admin.site.each_context(request),
        "title": f"Release the changes of {conference}",
        "opts": Conference._meta,
        "conference": conference,
    }
    if not request.user.has_perm("program.change_talk"):
        return refused(
            request,
            context,
            "Releasing an edition's changes needs the permission “Can change talk”, which "
            "your account lacks.",
        )
    form = ReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and conference.holds_changes and form.is_valid():
        try:
            made = _release(request, conference, form.cleaned_data)
        except Outdated:
            form = ReleaseForm(initial=form.cleaned_data)
            messages.error(request, STALE)
        else:
            messages.success(request, released_message(made))
            return HttpResponseRedirect(request.path)
    elif request.method == "POST" and not conference.holds_changes:
        messages.error(request, f"Nothing was released: {conference} does not hold changes.")
    shown = preview(conference)
    # The form releases the changes shown now, whatever an earlier page showed.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["seen"] = shown.fingerprint
    else:
        form.initial["seen"] = shown.fingerprint
    # Times (of the releases) in the edition's timezone.
    return rendered_in(
        conference,
        lambda: render(
            request,
            "admin/program/conference/release.html",
            {
                **context,
                "preview": shown,
                "form": form,
                "releases": conference.releases.select_related("released_by"),
            },
        ),
    )


def _release(request, conference, data):
    """Release what the page showed, and log it on the edition, in one transaction;
    raises Outdated if the held changes are no longer those."""
    with transaction.atomic():
        made = release_as_seen(
            conference, data["seen"], name=data["name"], note=data["note"], by=request.user
        )
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[conference],
            action_flag=CHANGE,
            change_message=f"Released {made.number}, “{made.name}”: {changes_label(made.changes)}.",
            single_object=True,
        )
    return made


def changes_label(count):
    """'4 changes', '1 change', 'no changes'."""
    if not count:
        return "no changes"
    return ngettext("%(count)d change", "%(count)d changes", count) % {"count": count}


def released_message(made):
    """'Release 3, “Final”, is public: 4 changes.'"""
    return f"Release {made.number}, “{made.name}”, is public: {changes_label(made.changes)}."


def release_url(conference):
    return reverse("admin:program_conference_release", args=[conference.pk])


class KeepReleasedTalksMixin:
    """The talk admin's delete page and bulk delete refuse talks the public sees until the
    next release (TalkQuerySet.shown_until_release), saying why and what to do, as Talk.delete()
    and TalkQuerySet.delete() refuse them on every other path."""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        pks = [talk.pk for talk in objs]
        held = list(
            Talk.objects.filter(pk__in=pks).shown_until_release().select_related("conference")
        )
        for talk in held[:LISTED_REFUSALS]:
            self.message_user(
                request, f"Nothing was deleted: {held_deletion_message(talk)}", messages.ERROR
            )
        if len(held) > LISTED_REFUSALS:
            more = len(held) - LISTED_REFUSALS
            self.message_user(
                request,
                ngettext(
                    "%(count)d more talk is kept for the same reason.",
                    "%(count)d more talks are kept for the same reason.",
                    more,
                )
                % {"count": more},
                messages.ERROR,
            )
        protected = [*protected, *(str(talk) for talk in held)]
        return deleted, model_count, perms_needed, protected

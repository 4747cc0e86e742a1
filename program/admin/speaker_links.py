"""Speakers' private links in the admin: the action "Send speakers their links" (an
intermediate page asking for the edition), and on a speaker's page their links per
edition, a new link shown once to copy, and revoking. The rules are program/speaker_links.py's.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from program.models import Conference, Speaker, SpeakerLink, Talk
from program.speaker_links import issue, link_path, live, revoke, send_links


class EditionForm(forms.Form):
    conference = forms.ModelChoiceField(
        label="Edition",
        queryset=Conference.objects.order_by("-start_date"),
        empty_label=None,
        help_text="Each speaker gets a new link for this edition (their previous one stops "
        "working). Speakers without a talk in it, or without an e-mail address, are skipped.",
    )


@admin.action(description="Send speakers their links", permissions=["change"])
def send_speaker_links(modeladmin, request, queryset):
    """Ask for the edition, then mail each selected speaker a new link and say who was
    skipped and why."""
    form = EditionForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        current = Conference.objects.filter(is_current=True).first()
        if not form.is_bound:
            form = EditionForm(initial={"conference": current})
        return TemplateResponse(
            request,
            "admin/program/speaker/send_links.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": "Send speakers their links",
                "opts": modeladmin.model._meta,
                "form": form,
                "speakers": queryset.order_by("name"),
                "action": "send_speaker_links",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
    conference = form.cleaned_data["conference"]
    sent, skipped = send_links(
        queryset.order_by("name"),
        conference,
        absolute_uri=request.build_absolute_uri,
        by=request.user,
    )
    if sent:
        names = ", ".join(speaker.name for speaker in sent)
        modeladmin.message_user(
            request,
            f"Sent {len(sent)} speaker{'s' if len(sent) != 1 else ''} a new link for "
            f"{conference}: {names}.",
            messages.SUCCESS,
        )
    if skipped:
        reasons = "; ".join(f"{speaker.name} ({why})" for speaker, why in skipped)
        modeladmin.message_user(request, f"Skipped {len(skipped)}: {reasons}.", messages.WARNING)
    return None


def links_by_edition(speaker):
    """The editions of the speaker's talks and links, newest first, each with its live link
    (or None) and its earlier ones: [{"conference", "live", "earlier"}, ...]."""
    links = list(SpeakerLink.objects.filter(speaker=speaker).select_related("conference"))
    editions = {link.conference for link in links} | set(
        Conference.objects.filter(talks__in=Talk.objects.filter(speakers=speaker)).distinct()
    )
    rows = []
    for conference in sorted(editions, key=lambda edition: edition.start_date, reverse=True):
        own = [link for link in links if link.conference_id == conference.pk]
        current = [link for link in own if link.revoked_at is None]
        rows.append(
            {
                "conference": conference,
                "live": current[0] if current else None,
                "earlier": [link for link in own if link.revoked_at is not None],
            }
        )
    return rows


def checked_speaker(modeladmin, request, object_id):
    speaker = get_object_or_404(Speaker, pk=object_id)
    if not modeladmin.has_change_permission(request, speaker):
        raise PermissionDenied
    return speaker


def chosen_edition(request):
    return get_object_or_404(Conference, pk=request.POST.get("conference") or 0)


def new_link_view(modeladmin):
    """POST: a new link for the speaker and the edition, shown once, to copy."""

    @require_POST
    def view(request, object_id):
        speaker = checked_speaker(modeladmin, request, object_id)
        conference = chosen_edition(request)
        token = issue(speaker, conference, by=request.user)
        return TemplateResponse(
            request,
            "admin/program/speaker/new_link.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"New link for {speaker.name}",
                "opts": modeladmin.model._meta,
                "original": speaker,
                "conference": conference,
                "url": request.build_absolute_uri(link_path(conference, token)),
            },
        )

    return view


def revoke_view(modeladmin):
    """POST: the speaker's live link for the edition stops working."""

    @require_POST
    def view(request, object_id):
        speaker = checked_speaker(modeladmin, request, object_id)
        conference = chosen_edition(request)
        if revoke(live(SpeakerLink.objects.filter(speaker=speaker, conference=conference))):
            message = f"{speaker.name}'s link for {conference} no longer works."
            modeladmin.message_user(request, message, messages.SUCCESS)
        return redirect(reverse("admin:program_speaker_change", args=[speaker.pk]))

    return view

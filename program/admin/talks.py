"""Talks: the list with its filters and bulk actions, the change form with speakers and
resources inline, clash warnings after a save, and the import page (``get_urls``).

Times are typed and shown in the edition's own timezone (admin/times.py); clashes are
reported as warnings after a save, never refused.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from program.admin.base import (
    LISTED_CLASHES,
    UNSCHEDULED,
    EditionInitialMixin,
    chosen_edition_id,
    clash_warnings,
    edition_labeller,
    folded_search,
    rendered_in,
    row_id,
)
from program.admin.imports import import_schedule_view
from program.admin.releases import KeepReleasedTalksMixin
from program.admin.talk_filters import DayListFilter, EditionRowListFilter, ScheduledListFilter
from program.admin.talk_moves import move_talk_view
from program.admin.text import ProgramModelAdmin, ProgramTabularInline
from program.admin.times import ConferenceDateTimeField, ConferenceDateTimeWidget, MinutesField
from program.clashes import first_clashes
from program.models import (
    Conference,
    Resource,
    Talk,
    TalkSpeaker,
)
from program.models.talks import SLOT_INCOMPLETE
from program.times import day_and_time, short_day

WHEN_AND_WHERE = (
    "Leave the day, times and room all empty to keep a draft unscheduled, to be placed later "
    "(“Move to…” above, or the schedule editor). Only a draft may wait without a slot."
)


class SpeakerLinkFormSet(BaseInlineFormSet):
    def clean(self):
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        ]
        # Before the formset's own unique check, whose message names nobody.
        listed = set()
        for form in kept:
            speaker = form.cleaned_data["speaker"]
            if speaker.pk in listed:
                message = f"{speaker.name} is listed twice: a speaker appears once on a talk."
                form.add_error("speaker", message)
                raise ValidationError(message)
            listed.add(speaker.pk)
        super().clean()
        if not kept:
            raise ValidationError("A talk needs at least one speaker.")


class TalkSpeakerInline(ProgramTabularInline):
    model = TalkSpeaker
    formset = SpeakerLinkFormSet
    fields = ["speaker", "position"]
    autocomplete_fields = ["speaker"]
    ordering = ["position", "pk"]
    min_num = 1
    extra = 0
    verbose_name = "speaker"
    verbose_name_plural = "speakers (listed in the order of their position)"


class ResourceInline(ProgramTabularInline):
    model = Resource
    fields = ["kind", "url", "title", "position"]
    # "example.org/slides.pdf" is read as an https address.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["position", "pk"]
    extra = 0
    verbose_name = "resource"
    verbose_name_plural = "resources: slides, recordings, papers... (in position order)"


@admin.register(Talk)
class TalkAdmin(KeepReleasedTalksMixin, EditionInitialMixin, ProgramModelAdmin):
    # The status beside the title, so it stays in view on a laptop however long the rest.
    list_display = ["title", "status", "when", "room", "type", "track", "speaker_names"]
    # Given, so that Django does not ask get_list_display (a query) a second time.
    sortable_by = ["title", "status", "edition", "when", "room", "type", "track"]
    list_filter = [
        "conference",
        "type",
        DayListFilter,
        ScheduledListFilter,
        ("room", EditionRowListFilter),
        ("track", EditionRowListFilter),
        "status",
    ]
    list_select_related = ["conference", "room", "type", "track"]
    search_fields = ["title", "abstract", "speakers__name"]
    search_help_text = (
        "Words in the title, the abstract or a speaker's name, affiliation or bio (any case, "
        "any accents)."
    )
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["conference", "title", "slug", "type", "track", "status"]}),
        (
            "When and where",
            {"fields": ["start", "end", "room", "duration"], "description": WHEN_AND_WHERE},
        ),
        (None, {"fields": ["abstract", "board"]}),
        ("Record", {"fields": ["sequence", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["sequence", "created_at", "updated_at"]
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": ConferenceDateTimeField,
            "widget": ConferenceDateTimeWidget,
        },
        models.DurationField: {"form_class": MinutesField},
    }
    inlines = [TalkSpeakerInline, ResourceInline]
    actions = ["publish", "unpublish", "cancel", "set_track"]

    class Media:
        # On the add page, choosing another edition reloads the form with its rooms and tracks.
        js = ["js/admin-talk-edition.js"]

    def get_urls(self):
        # The import page writes talks: imports.py checks the permissions each write needs;
        # the move page asks for "Can change talk" (talk_moves.py).
        return [
            path(
                "import/",
                self.admin_site.admin_view(import_schedule_view),
                name="program_talk_import",
            ),
            path(
                "<path:object_id>/move/",
                self.admin_site.admin_view(self.move_view),
                name="program_talk_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        return move_talk_view(self, request, object_id)

    def get_queryset(self, request):
        return super().get_queryset(request).for_program()

    def get_search_results(self, request, queryset, search_term):
        return folded_search(queryset, search_term)

    def get_list_display(self, request):
        """With the edition's column where the list may mix editions."""
        list_display = super().get_list_display(request)
        if chosen_edition_id(request) is None and Conference.objects.count() > 1:
            return [*list_display[:2], "edition", *list_display[2:]]
        return list_display

    @admin.display(description="edition", ordering="conference__start_date")
    def edition(self, talk):
        return talk.conference.name

    @admin.display(description="when", ordering="start")
    def when(self, talk):
        """'Mon, May 18, 9:00–9:25 AM PDT', on two lines in a narrow column; a session
        ending on a later day names both days; 'Unscheduled (45 min)' for a talk waiting."""
        if not talk.is_scheduled:
            return f"{UNSCHEDULED} ({talk.duration_minutes} min)"
        day_label, time_label = day_and_time(talk.local_start, talk.local_end, day=short_day)
        if not day_label:
            return time_label
        return format_html('{}, <span class="nowrap">{}</span>', day_label, time_label)

    @admin.display(description="speakers")
    def speaker_names(self, talk):
        return ", ".join(speaker.name for speaker in talk.ordered_speakers)

    # Times in conference time -------------------------------------------------------------

    def _form_edition(self, request, object_id):
        """The edition whose timezone the form's times are in: the one chosen in the form,
        else the talk's, else the one the list was filtered by, else the current edition."""
        chosen = row_id(request.POST.get("conference") or request.GET.get("conference"))
        if chosen is not None:
            edition = Conference.objects.filter(pk=chosen).first()
            if edition is not None:
                return edition
        if object_id is not None:
            return self._talk_edition(object_id)
        return self._list_edition(request)

    @staticmethod
    def _talk_edition(object_id):
        talk_id = row_id(unquote(object_id))
        if talk_id is not None:
            return Conference.objects.filter(talks__pk=talk_id).first()
        return None

    @staticmethod
    def _list_edition(request):
        """The edition filtered on, else the current edition."""
        if (edition_id := chosen_edition_id(request)) is not None:
            return Conference.objects.filter(pk=edition_id).first()
        return Conference.objects.current()

    # Django admin reads and shows datetimes in the active timezone: each page is rendered
    # in the edition's.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return rendered_in(
            self._form_edition(request, object_id),
            lambda: super(TalkAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def changelist_view(self, request, extra_context=None):
        # The date hierarchy groups talks by day in the edition filtered on, else the current.
        return rendered_in(
            self._list_edition(request),
            lambda: super(TalkAdmin, self).changelist_view(request, extra_context),
        )

    def history_view(self, request, object_id, extra_context=None):
        return rendered_in(
            self._talk_edition(object_id),
            lambda: super(TalkAdmin, self).history_view(request, object_id, extra_context),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class TalkForm(form):
            def _post_clean(self):
                # A room or track the form refused (of another edition) leaves the talk's
                # previous one on it, which Talk.clean would report too: say it once.
                for name in ("room", "track"):
                    if name in self.errors:
                        setattr(self.instance, f"{name}_id", None)
                super()._post_clean()
                # A refused start, end or room is said at its field, not again as a slot
                # left incomplete; a constraint's name ("Constraint “talk_slot_whole” is
                # violated.") is not repeated beside Talk.clean's words for the same rule.
                if NON_FIELD_ERRORS in self.errors:
                    said = {"start", "end", "room"} & set(self.errors)
                    errors = self.errors[NON_FIELD_ERRORS]
                    worded = [e for e in errors if not e.startswith("Constraint “talk_")]
                    kept = [e for e in worded or errors if not (said and e == SLOT_INCOMPLETE)]
                    self.errors[NON_FIELD_ERRORS] = self.error_class(kept)
                    if not kept:
                        del self.errors[NON_FIELD_ERRORS]

        zone = timezone.get_current_timezone_name()
        help_texts = {
            "start": f"Conference time ({zone}): the timezone of the edition chosen above.",
            "end": f"Conference time ({zone}); after the start.",
            "duration": "In minutes, for an unscheduled talk: how long it lasts once placed "
            "(else 30). A placed talk lasts from its start to its end.",
        }
        # A view-only form has no fields: its times are shown read-only, without the help.
        for name, help_text in help_texts.items():
            if name in TalkForm.base_fields:
                TalkForm.base_fields[name].help_text = help_text
        return TalkForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Rooms and tracks: those of the form's edition (_form_edition: the one posted or
        in ``?conference=``, else the talk's, else the list's or the current one). One of
        another edition is refused with a message naming the edition (as Talk.clean
        refuses it on every other path)."""
        if db_field.name not in ("room", "track"):
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        rows = db_field.related_model.objects.select_related("conference")
        match = request.resolver_match
        edition = self._form_edition(request, match.kwargs.get("object_id") if match else None)
        if edition is not None:
            rows = rows.filter(conference=edition)
            what = db_field.related_model._meta.verbose_name
            kwargs["error_messages"] = {
                "invalid_choice": f"Choose a {what} of {edition}, the edition chosen above."
            }
        kwargs["queryset"] = rows
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Without an edition, every edition's: say which edition a repeated name is of.
        field.label_from_instance = edition_labeller(rows.only("name", "conference"))
        return field

    # Saving -----------------------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        if formset.model is not TalkSpeaker:
            return super().save_formset(request, form, formset, change)
        # Rows whose speaker changed are written as new rows after the old ones are gone:
        # swapping two speakers would otherwise meet the one-speaker-once rule half-way.
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        changed = [link for link in links if link.pk is not None]
        TalkSpeaker.objects.filter(pk__in=[link.pk for link in changed]).delete()
        for link in links:
            link.pk = None
            link.save()
        return None

    def save_model(self, request, obj, form, change):
        # A talk whose slot is emptied keeps its length for when it is placed again (unless
        # a length is typed in the same save), as program.moves.place keeps it.
        was = form.initial
        if obj.start is None and was.get("start") and "duration" not in form.changed_data:
            obj.duration = was["end"] - was["start"]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """After the talk and its speakers are saved: number the speakers, warn of clashes
        (an unscheduled talk has none)."""
        super().save_related(request, form, formsets, change)
        talk = form.instance
        _number_speakers(talk)
        if not talk.is_scheduled:
            return
        clashes, count = first_clashes(talk.conference, talk=talk, limit=LISTED_CLASHES)
        for warning in clash_warnings(clashes, count):
            self.message_user(request, warning, messages.WARNING)

    # Bulk actions -----------------------------------------------------------------------

    @admin.action(description="Publish selected talks", permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.PUBLISHED, "published")

    @admin.action(description="Unpublish selected talks (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.DRAFT, "moved back to draft")

    @admin.action(description="Cancel selected talks", permissions=["change"])
    def cancel(self, request, queryset):
        self._set_status(request, queryset, Talk.Status.CANCELLED, "cancelled")

    @admin.action(description="Set the track of selected talks", permissions=["change"])
    def set_track(self, request, queryset):
        """Asks for the track on a page of its own, then sets it (or removes it)."""
        editions = list(Conference.objects.filter(talks__in=queryset).distinct())
        if len(editions) != 1:
            self.message_user(
                request,
                "Choose talks of one edition: each edition has its own tracks.",
                messages.ERROR,
            )
            return None
        form = SetTrackForm(
            request.POST if "apply" in request.POST else None, conference=editions[0]
        )
        if form.is_valid():
            track = form.cleaned_data["track"]
            # Talks that already have it keep their sequence: calendars need no update.
            if track is None:
                changing = queryset.filter(track__isnull=False)
                _log_bulk_change(request, changing, "Track removed (bulk action).")
                changed = changing.update(track=None)
                message = ngettext(
                    "Track removed from %(count)d talk.",
                    "Track removed from %(count)d talks.",
                    changed,
                )
            else:
                changing = queryset.exclude(track=track)
                _log_bulk_change(request, changing, f"Track set to “{track}” (bulk action).")
                changed = changing.update(track=track)
                message = ngettext(
                    "Track “%(track)s” set on %(count)d talk.",
                    "Track “%(track)s” set on %(count)d talks.",
                    changed,
                )
            self.message_user(
                request, message % {"count": changed, "track": track}, messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/program/talk/set_track.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set the track of the selected talks",
                "opts": self.model._meta,
                "conference": editions[0],
                "form": form,
                "talks": queryset.order_by("start", "title"),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )

    def _set_status(self, request, queryset, status, done):
        # Talks already in that status keep their sequence: calendars need no update for them.
        changing = queryset.exclude(status=status)
        waiting = changing.unscheduled().order_by("title").values_list("title", flat=True)
        if status != Talk.Status.DRAFT and (waiting := list(waiting)):
            # The database refuses a public talk without a slot (talk_public_has_slot).
            self.message_user(request, _unscheduled_refusal(waiting, done), messages.ERROR)
            return
        _log_bulk_change(request, changing, f"Status set to {status.label} (bulk action).")
        changed = changing.set_status(status)
        message = ngettext("%(count)d talk %(done)s.", "%(count)d talks %(done)s.", changed)
        self.message_user(request, message % {"count": changed, "done": done}, messages.SUCCESS)


class SetTrackForm(forms.Form):
    """The track for the "set track" bulk action: one of the edition's tracks, or none."""

    NONE = "none"

    track = forms.ChoiceField(label="Track")

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracks = {str(track.pk): track for track in conference.tracks.all()}
        self.fields["track"].choices = [
            ("", "Choose a track"),
            *[(pk, track.name) for pk, track in self.tracks.items()],
            (self.NONE, "No track (remove it)"),
        ]
        self.fields["track"].help_text = f"The tracks of {conference}; add tracks on its page."

    def clean_track(self):
        value = self.cleaned_data["track"]
        return None if value == self.NONE else self.tracks[value]


def _unscheduled_refusal(waiting, done):
    """'Nothing was published: “A” and “B” have no slot yet...' for a bulk action;
    ``waiting``: the titles of the unscheduled talks in order."""
    titles = [f"“{title}”" for title in waiting]
    if len(titles) > LISTED_CLASHES:  # as many names as clashes listed after a save
        titles = [*titles[:LISTED_CLASHES], f"{len(titles) - LISTED_CLASHES:,} more"]
    named = titles[0] if len(titles) == 1 else f"{', '.join(titles[:-1])} and {titles[-1]}"
    have = "has" if len(waiting) == 1 else "have"
    return (
        f"Nothing was {done}: {named} {have} no slot yet, and only a draft may wait without "
        "one. Give them a day, time and room first (“Move to…” on the talk's page), or leave "
        "them out of the selection."
    )


def _log_bulk_change(request, talks, message):
    """One admin log entry per talk a bulk action is about to change (the talk's "History"
    and the admin's recent actions show it, as after a form's save)."""
    LogEntry.objects.log_actions(
        user_id=request.user.pk,
        queryset=list(talks.order_by("pk")),
        action_flag=CHANGE,
        change_message=message,
    )


def _number_speakers(talk):
    """Positions 0, 1, 2... in the order shown; equal positions keep the order rows were added."""
    links = list(talk.speaker_links.order_by("position", "pk"))
    renumbered = []
    for position, link in enumerate(links):
        if link.position != position:
            link.position = position
            renumbered.append(link)
    TalkSpeaker.objects.bulk_update(renumbered, ["position"])

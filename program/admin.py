"""Django admin for organisers: editions, rooms, speakers, talk types and the talks.

Times are typed and shown in the conference's own timezone (see README "Admin"); clashes
are reported as warnings after a save, never refused.
"""

import datetime as dt
from collections import defaultdict
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from program.admin_text import ProgramModelAdmin, ProgramTabularInline
from program.admin_times import ConferenceDateTimeField, ConferenceDateTimeWidget
from program.clashes import find_clashes
from program.models import (
    Conference,
    Resource,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    Track,
)
from program.photos import (
    MAX_PHOTO_BYTES,
    delete_files,
    photo_files,
    prepare_photo,
    remove_photo,
    rendition_height,
    rendition_name,
    rendition_widths,
    set_photo,
)
from program.times import day_and_time, day_heading, short_day, when_label

admin.site.site_header = "Conference program"
admin.site.site_title = "Conference program admin"
admin.site.index_title = "Editions, rooms, tracks, speakers and talks"
# The sidebar repeats the index page and takes a quarter of a laptop screen from the talk
# list (title, status, edition, time, room, type, track, speakers), which must fit beside the
# filters; the breadcrumbs lead back to the index.
admin.site.enable_nav_sidebar = False

# The query parameter of the talk list's edition filter (RelatedFieldListFilter on conference).
EDITION_PARAM = "conference__id__exact"


def folded_search(queryset, search_term):
    """The admin's search as the public ``q`` searches (SearchableQuerySet.search): every
    word, any case, any accents, each row once."""
    return queryset.search(search_term), False


def _chosen_edition_id(request):
    """The edition a list is filtered on, or None. An add page opened from a filtered list
    carries the list's filters in ``_changelist_filters``: the edition chosen there counts."""
    value = request.GET.get(EDITION_PARAM) or QueryDict(
        request.GET.get("_changelist_filters", "")
    ).get(EDITION_PARAM, "")
    return int(value) if value.isdigit() else None


class EditionInitialMixin:
    """A new row's edition: the one the list was filtered by, else the current edition."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "conference" not in initial:
            edition_id = _chosen_edition_id(request)
            if edition_id is None and (current := Conference.objects.current()):
                edition_id = current.pk
            if edition_id is not None:
                initial["conference"] = edition_id
        return initial


def edition_labeller(rows):
    """A function row -> label for lists of rooms (or tracks) from several editions: the
    name, with the edition only where another edition has one of that name too ("Grand
    Ballroom 1" every year). ``rows``: every row such a list may show (name and edition)."""
    editions = defaultdict(set)
    for row in rows:
        editions[row.name].add(row.conference_id)
    repeated = {name for name, ids in editions.items() if len(ids) > 1}
    return lambda row: f"{row.name} ({row.conference})" if row.name in repeated else row.name


def _when(talk):
    """'Monday, May 18, 9:00–9:25 AM PDT' in the talk's conference timezone."""
    return when_label(talk.local_start, talk.local_end)


def _rendered_in(edition, respond):
    """``respond()``'s response, rendered with the edition's timezone active (a
    TemplateResponse renders lazily, so it is rendered here, inside the override)."""
    zone = edition.tzinfo if edition is not None else timezone.get_default_timezone()
    with timezone.override(zone):
        response = respond()
        if hasattr(response, "render"):
            response.render()
    return response


class ReadOnlyInline:
    """An inline that only lists related rows: nothing is added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RefuseDeletingInUseMixin:
    """The delete page (and bulk delete) of rows talks still use says so first, in plain
    words, above Django's list of those talks (Talk.room and Talk.track are RESTRICT,
    TalkSpeaker.speaker PROTECT: nothing is deleted)."""

    in_use_message = ""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            self.message_user(
                request, f"Nothing was deleted: {self.in_use_message}", messages.ERROR
            )
        return deleted, model_count, perms_needed, protected


class ConferenceForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The edition must not end before it starts.")
        return cleaned_data

    def _get_validation_exclusions(self):
        # conference_single_current allows one current edition; ConferenceAdmin.save_model
        # unmarks the previous one in the same transaction, so marking another is not an error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_current")
        return exclusions


class RoomInline(ProgramTabularInline):
    model = Room
    fields = ["name", "slug", "position", "capacity"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["conference", "name", "slug", "colour", "description"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class TrackInline(ProgramTabularInline):
    model = Track
    form = TrackForm
    fields = ["name", "slug", "colour", "description"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(ProgramModelAdmin):
    form = ConferenceForm
    list_display = [
        "name",
        "slug",
        "start_date",
        "end_date",
        "timezone",
        "is_published",
        "is_current",
    ]
    list_filter = ["is_published", "is_current"]
    search_fields = ["name", "slug", "city", "venue"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        ("start_date", "end_date"),
        "timezone",
        "venue",
        "city",
        "is_published",
        "is_current",
    ]
    inlines = [RoomInline, TrackInline]

    def save_model(self, request, obj, form, change):
        if obj.is_current:
            # The database allows one current edition: unmark the others first. The admin
            # saves inside one transaction, so a failure leaves the previous one current.
            Conference.objects.filter(is_current=True).exclude(pk=obj.pk).update(is_current=False)
        super().save_model(request, obj, form, change)


@admin.register(Room)
class RoomAdmin(RefuseDeletingInUseMixin, EditionInitialMixin, ProgramModelAdmin):
    in_use_message = (
        "talks are scheduled in this room (listed below). Move them to another room first."
    )
    list_display = ["name", "conference", "position", "capacity"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "slug"]
    ordering = ["-conference__start_date", "position", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["conference", "name", "slug", "position", "capacity", "talk_table"]
    readonly_fields = ["talk_table"]

    @admin.display(description="talks in this room")
    def talk_table(self, room):
        # One table from one query: a read-only inline renders a form per talk, too slow for
        # the two hundred talks a room holds in a large edition.
        if room.pk is None:
            return "None yet."
        talks = room.talks.select_related("conference", "type")
        return render_to_string(
            "admin/program/room/_talk_table.html",
            {"talks": [(talk, _when(talk)) for talk in talks]},
        )


@admin.register(Track)
class TrackAdmin(RefuseDeletingInUseMixin, EditionInitialMixin, ProgramModelAdmin):
    in_use_message = "talks are in this track (listed below). Move them with “Set track” first."
    form = TrackForm
    list_display = ["name", "swatch", "conference", "slug"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    search_fields = ["name", "slug", "description"]
    ordering = ["-conference__start_date", "name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["conference", "name", "slug", "colour", "description"]

    @admin.display(description="colour", ordering="colour")
    def swatch(self, track):
        # An image rather than an inline style, which a Content-Security-Policy may refuse.
        square = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16'>"
            f"<rect width='16' height='16' fill='{track.colour}'/></svg>"
        )
        return format_html(
            '<img src="data:image/svg+xml,{}" width="16" height="16" alt=""> {}',
            quote(square),
            track.colour,
        )


class SpeakerTalkInline(ReadOnlyInline, ProgramTabularInline):
    model = TalkSpeaker
    fk_name = "speaker"
    verbose_name_plural = "talks of this speaker"
    fields = ["talk_link", "edition", "when", "room"]
    readonly_fields = fields
    ordering = ["-talk__start"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker", "talk__conference", "talk__room")
        )

    @admin.display(description="talk")
    def talk_link(self, link):
        url = reverse("admin:program_talk_change", args=[link.talk_id])
        return format_html('<a href="{}">{}</a>', url, link.talk.title)

    @admin.display(description="edition")
    def edition(self, link):
        return link.talk.conference

    @admin.display(description="when")
    def when(self, link):
        return _when(link.talk)

    @admin.display(description="room")
    def room(self, link):
        return link.talk.room


class SpeakerForm(forms.ModelForm):
    upload = forms.FileField(
        label="New photo",
        required=False,
        # A hint for the file picker; the server checks the content itself.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=f"JPEG, PNG or WebP, at most {filesizeformat(MAX_PHOTO_BYTES)}. It is resized "
        "and saved anew, without its metadata (camera, GPS position).",
    )
    remove = forms.BooleanField(label="Remove the photo", required=False)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        # Checked and resized here, so that a refused file leaves the whole form unsaved.
        self.prepared_photo = prepare_photo(upload) if upload else None
        return upload


@admin.register(Speaker)
class SpeakerAdmin(RefuseDeletingInUseMixin, ProgramModelAdmin):
    in_use_message = (
        "this speaker is on talks (listed below). Take them off those talks first; a speaker "
        "is shared by every edition."
    )
    form = SpeakerForm
    list_display = ["name", "affiliation", "slug", "has_photo"]
    search_fields = ["name", "affiliation", "bio"]
    search_help_text = "Words in the name, affiliation or bio (any case, any accents)."
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "affiliation", "bio"]}),
        ("Photo", {"fields": ["current_photo", "upload", "remove"]}),
    ]
    readonly_fields = ["current_photo"]
    inlines = [SpeakerTalkInline]

    @admin.display(description="photo", boolean=True)
    def has_photo(self, speaker):
        return bool(speaker.photo)

    @admin.display(description="current photo")
    def current_photo(self, speaker):
        if not speaker.photo:
            return "None: pages show the speaker's initials."
        width = rendition_widths(speaker.photo_width)[0]  # the smallest size
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            speaker.photo.storage.url(rendition_name(speaker.photo.name, width)),
            width,
            rendition_height(width, speaker.photo_width, speaker.photo_height),
            speaker.name,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.prepared_photo is not None:
            set_photo(speaker=obj, photo=form.prepared_photo)
        elif form.cleaned_data.get("remove") and obj.photo:
            remove_photo(speaker=obj)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Speaker.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # A deleted speaker's photo leaves the storage too, once the deletion is committed.
        names = [name for speaker in queryset for name in photo_files(speaker)]
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: delete_files(names))

    def get_search_results(self, request, queryset, search_term):
        return folded_search(queryset, search_term)


@admin.register(TalkType)
class TalkTypeAdmin(ProgramModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug"]


class DayListFilter(admin.SimpleListFilter):
    """The days of the edition filtered on (of every edition otherwise), in conference time.

    A day is a window of aware datetimes per edition (Conference.day_bounds), so the database
    compares plain timestamps: no timezone functions, the same on SQLite and PostgreSQL.
    """

    title = "day"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        editions = Conference.objects.order_by("start_date")
        if (edition_id := _chosen_edition_id(request)) is not None:
            editions = editions.filter(pk=edition_id)
        days = sorted(
            {
                edition.start_date + dt.timedelta(days=offset)
                for edition in editions
                for offset in range((edition.end_date - edition.start_date).days + 1)
            }
        )
        with_year = len({day.year for day in days}) > 1
        return [
            (day.isoformat(), f"{day_heading(day)}, {day.year}" if with_year else day_heading(day))
            for day in days
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        window = Q()
        try:
            day = dt.date.fromisoformat(self.value())
            # Only editions held that day: a day far from all (9999-12-31) matches nothing.
            editions = Conference.objects.filter(start_date__lte=day, end_date__gte=day)
            for edition in editions.only("pk", "timezone"):
                start, end = edition.day_bounds(day)
                window |= Q(conference=edition, start__gte=start, start__lt=end)
        except (ValueError, OverflowError) as error:  # not a date; the last day there is
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(window) if window else queryset.none()


class EditionRowListFilter(admin.RelatedFieldListFilter):
    """The rooms (or tracks) of the edition filtered on; otherwise all, with the edition
    named where another edition has a room (or track) of the same name."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        rows = model.objects.select_related("conference").order_by(
            "-conference__start_date", *model._meta.ordering[1:]
        )
        if (edition_id := _chosen_edition_id(request)) is not None:
            return [(row.pk, row.name) for row in rows.filter(conference_id=edition_id)]
        label = edition_labeller(rows)
        return [(row.pk, label(row)) for row in rows]


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
class TalkAdmin(EditionInitialMixin, ProgramModelAdmin):
    # The status beside the title, so it stays in view on a laptop however long the rest.
    list_display = ["title", "status", "when", "room", "type", "track", "speaker_names"]
    # Given, so that Django does not ask get_list_display (a query) a second time.
    sortable_by = ["title", "status", "edition", "when", "room", "type", "track"]
    list_filter = [
        "conference",
        "type",
        DayListFilter,
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
        ("When and where", {"fields": ["start", "end", "room"]}),
        (None, {"fields": ["abstract"]}),
        ("Record", {"fields": ["sequence", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["sequence", "created_at", "updated_at"]
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": ConferenceDateTimeField,
            "widget": ConferenceDateTimeWidget,
        }
    }
    inlines = [TalkSpeakerInline, ResourceInline]
    actions = ["publish", "unpublish", "cancel", "set_track"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_program()

    def get_search_results(self, request, queryset, search_term):
        return folded_search(queryset, search_term)

    def get_list_display(self, request):
        """With the edition's column where the list may mix editions."""
        list_display = super().get_list_display(request)
        if _chosen_edition_id(request) is None and Conference.objects.count() > 1:
            return [*list_display[:2], "edition", *list_display[2:]]
        return list_display

    @admin.display(description="edition", ordering="conference__start_date")
    def edition(self, talk):
        return talk.conference.name

    @admin.display(description="when", ordering="start")
    def when(self, talk):
        """'Mon, May 18, 9:00–9:25 AM PDT', on two lines in a narrow column; a session
        ending on a later day names both days."""
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
        chosen = request.POST.get("conference") or request.GET.get("conference")
        if chosen and chosen.isdigit():
            edition = Conference.objects.filter(pk=chosen).first()
            if edition is not None:
                return edition
        if object_id is not None:
            return self._talk_edition(object_id)
        return self._list_edition(request)

    @staticmethod
    def _talk_edition(object_id):
        object_id = unquote(object_id)
        if object_id.isdigit():
            return Conference.objects.filter(talks__pk=object_id).first()
        return None

    @staticmethod
    def _list_edition(request):
        """The edition filtered on, else the current edition."""
        if (edition_id := _chosen_edition_id(request)) is not None:
            return Conference.objects.filter(pk=edition_id).first()
        return Conference.objects.current()

    # Django admin reads and shows datetimes in the active timezone: each page is rendered
    # in the edition's.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return _rendered_in(
            self._form_edition(request, object_id),
            lambda: super(TalkAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def changelist_view(self, request, extra_context=None):
        # The date hierarchy groups talks by day in the edition filtered on, else the current.
        return _rendered_in(
            self._list_edition(request),
            lambda: super(TalkAdmin, self).changelist_view(request, extra_context),
        )

    def history_view(self, request, object_id, extra_context=None):
        return _rendered_in(
            self._talk_edition(object_id),
            lambda: super(TalkAdmin, self).history_view(request, object_id, extra_context),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        zone = timezone.get_current_timezone_name()
        form.base_fields[
            "start"
        ].help_text = f"Conference time ({zone}): the timezone of the edition chosen above."
        form.base_fields["end"].help_text = f"Conference time ({zone}); after the start."
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        edition_rows = db_field.name in ("room", "track")
        if edition_rows:
            kwargs["queryset"] = db_field.related_model.objects.select_related("conference")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if edition_rows:
            # Editions often reuse room and track names: say which edition such a one is of.
            field.label_from_instance = edition_labeller(
                db_field.related_model.objects.only("name", "conference")
            )
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

    def save_related(self, request, form, formsets, change):
        """After the talk and its speakers are saved: number the speakers, warn of clashes."""
        super().save_related(request, form, formsets, change)
        talk = form.instance
        _number_speakers(talk)
        for clash in find_clashes(talk.conference, talk=talk):
            self.message_user(request, clash.message(), messages.WARNING)

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

"""Speakers' changes: what speakers saved through their links, for an organiser to approve or
reject (program/speaker_changes.py does both).

The list shows the changes waiting by default (filters: status, edition); each change's page
shows a diff, field by field, with the old and new photo and each talk's materials as
removed, added and kept lines, and buttons to approve or reject it. Nothing here is typed:
a change is what the speaker sent, and its decision is final.

Who may see and decide: staff with the change permission on speakers (``program.change_speaker``),
since deciding writes the speaker and their talks' materials.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import ngettext

from program import speaker_changes
from program.admin.base import row_id
from program.admin.text import ProgramModelAdmin
from program.models import Resource, SpeakerChange, Talk
from program.photos import rendition_height, rendition_name, rendition_widths

DECIDE_PERMISSION = "program.change_speaker"
FIELD_LABELS = {"name": "Name", "affiliation": "Affiliation", "bio": "Bio"}
KIND_LABELS = dict(Resource.Kind.choices)
PENDING = SpeakerChange.Status.PENDING


def waiting_count():
    """How many speakers' changes wait for an organiser's decision."""
    return SpeakerChange.objects.filter(status=PENDING).count()


class StatusFilter(admin.SimpleListFilter):
    """The change's status, "Waiting for approval" when none is chosen."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*SpeakerChange.Status.choices, (self.ALL, "All")]

    def queryset(self, request, queryset):
        value = self.value() or PENDING
        return queryset if value == self.ALL else queryset.filter(status=value)

    def choices(self, changelist):
        value = self.value() or PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def photo_thumbnail(name, width, height, alt):
    """(url, width, height, alt) of the smallest size of a stored photo, or None."""
    if not name:
        return None
    small = rendition_widths(width)[0]
    return (
        default_storage.url(rendition_name(name, small)),
        small,
        rendition_height(small, width, height),
        alt,
    )


def material_lines(old, new):
    """Each material of a talk's ``old`` and ``new`` lists as ``(sign, item)``: "+" added,
    "-" removed, "=" kept (kind and URL stay; a new title or place counts as kept), in the
    new list's order, the removed ones last."""
    key = lambda item: (item["kind"], item["url"])  # noqa: E731
    old_keys = {key(item) for item in old}
    new_keys = {key(item) for item in new}
    lines = [("=" if key(item) in old_keys else "+", item) for item in new]
    lines += [("-", item) for item in old if key(item) not in new_keys]
    return [
        (sign, {**item, "kind_label": KIND_LABELS.get(item["kind"], item["kind"])})
        for sign, item in lines
    ]


def diff_context(change):
    """What the diff template shows of ``change``: fields (label, old, new), the photo's old
    and new thumbnails (or None), and each talk's material lines."""
    speaker = change.speaker
    fields = [
        (FIELD_LABELS[field], change.previous.get(field, getattr(speaker, field)), text)
        for field, text in change.values.items()
    ]
    photo = None
    if change.photo or change.remove_photo:
        # The photo it replaces is the speaker's own only while the change waits: once
        # approved, the speaker's photo is the new one.
        photo = {
            "waiting": change.status == PENDING,
            "old": photo_thumbnail(
                speaker.photo.name, speaker.photo_width, speaker.photo_height, "Photo now"
            ),
            "new": photo_thumbnail(
                change.photo.name, change.photo_width, change.photo_height, "New photo"
            ),
        }
    titles = dict(
        Talk.objects.filter(pk__in=[int(key) for key in change.resources]).values_list(
            "pk", "title"
        )
    )
    talks = [
        (
            titles.get(int(key), "a talk since deleted"),
            material_lines(change.previous.get(key, []), items),
        )
        for key, items in change.resources.items()
    ]
    return {"fields": fields, "photo": photo, "talks": talks, "change": change}


def summary(change):
    """'Bio, photo, materials of 1 talk': what a change touches, for the list."""
    parts = [FIELD_LABELS[field].lower() for field in change.values]
    if change.photo:
        parts.append("new photo")
    elif change.remove_photo:
        parts.append("photo removed")
    if change.resources:
        count = len(change.resources)
        parts.append(ngettext("materials of %d talk", "materials of %d talks", count) % count)
    text = ", ".join(parts) or "nothing left to change"
    return text[:1].upper() + text[1:]


class EditionFilter(admin.RelatedFieldListFilter):
    """The change's edition, called so (Django names the filter after the field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "edition"


@admin.register(SpeakerChange)
class SpeakerChangeAdmin(ProgramModelAdmin):
    list_display = ["speaker", "edition", "what", "status", "saved", "decided"]
    list_display_links = ["speaker"]
    list_filter = [StatusFilter, ("conference", EditionFilter)]
    list_select_related = ["speaker", "conference", "decided_by"]
    ordering = ["-updated_at", "-pk"]
    actions = ["approve_selected", "reject_selected"]
    fields = ["speaker", "edition", "status", "saved", "decided", "diff"]
    readonly_fields = fields
    change_form_template = "admin/program/speakerchange/change_form.html"

    def may_decide(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and request.user.has_perm(DECIDE_PERMISSION)
        )

    def has_module_permission(self, request):
        return self.may_decide(request)

    def has_view_permission(self, request, obj=None):
        return self.may_decide(request)

    def has_decide_permission(self, request):
        return self.may_decide(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="edition", ordering="conference")
    def edition(self, change):
        return change.conference

    @admin.display(description="saved (last)", ordering="updated_at")
    def saved(self, change):
        return f"{change.updated_at:%Y-%m-%d %H:%M} UTC"

    @admin.display(description="what")
    def what(self, change):
        return summary(change)

    @admin.display(description="decided")
    def decided(self, change):
        if change.decided_at is None:
            return "—"
        who = f" by {change.decided_by}" if change.decided_by else ""
        return f"{change.decided_at:%Y-%m-%d %H:%M} UTC{who}"

    @admin.display(description="changes asked")
    def diff(self, change):
        return render_to_string("admin/program/speakerchange/_diff.html", diff_context(change))

    def changelist_view(self, request, extra_context=None):
        count = waiting_count()
        title = f"Speakers' changes: {count:,} waiting" if count else "Speakers' changes"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, unquote(object_id))
        context = {
            "may_decide": change is not None
            and change.status == PENDING
            and self.may_decide(request),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="program_speakerchange_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id, decision):
        """POST ``approve`` or ``reject`` one change: back to its page with a message."""
        if decision not in ("approve", "reject"):
            raise Http404("No such decision.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.may_decide(request):
            raise PermissionDenied
        pk = row_id(unquote(object_id))
        change = SpeakerChange.objects.filter(pk=pk).first() if pk else None
        if change is None:
            raise Http404("No such speaker's change.")
        self.decide(request, SpeakerChange.objects.filter(pk=pk), decision)
        return HttpResponseRedirect(reverse("admin:program_speakerchange_change", args=[change.pk]))

    def decide(self, request, queryset, decision):
        """Approve or reject the pending changes of ``queryset``; say what was done and
        which were decided already (left as they were)."""
        chosen = list(queryset.values_list("pk", flat=True))
        # Said before deciding: afterwards every chosen change is decided.
        decided = sorted(
            {
                change.get_status_display().lower()
                for change in SpeakerChange.objects.filter(pk__in=chosen).exclude(status=PENDING)
            }
        )
        decide = speaker_changes.approve if decision == "approve" else speaker_changes.reject
        done = decide(SpeakerChange.objects.filter(pk__in=chosen), user=request.user)
        if done:
            verb = "Approved" if decision == "approve" else "Rejected"
            message = ngettext("%s %d change.", "%s %d changes.", done) % (verb, done)
            if decision == "approve":
                message += " It is public now." if done == 1 else " They are public now."
            self.message_user(request, message, messages.SUCCESS)
        left = len(chosen) - done
        if left:
            text = ngettext(
                "%d change was decided already (%s): a decision is final, so it was left as "
                "it was.",
                "%d changes were decided already (%s): a decision is final, so they were left "
                "as they were.",
                left,
            )
            self.message_user(request, text % (left, ", ".join(decided)), messages.ERROR)

    @admin.action(description="Approve the selected changes", permissions=["decide"])
    def approve_selected(self, request, queryset):
        self.decide(request, queryset, "approve")

    @admin.action(description="Reject the selected changes", permissions=["decide"])
    def reject_selected(self, request, queryset):
        self.decide(request, queryset, "reject")

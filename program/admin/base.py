"""What the program's model admins share: the edition filter's parameter, an edition chosen
in the list as the new row's initial edition, read-only inlines, and deletes refused while
talks use a row.
"""

from collections import defaultdict

from django.contrib import messages
from django.http import QueryDict
from django.utils import timezone

from program.models import (
    Conference,
)
from program.times import when_label

# The query parameter of the talk list's edition filter (RelatedFieldListFilter on conference).
EDITION_PARAM = "conference__id__exact"


def folded_search(queryset, search_term):
    """The admin's search as the public ``q`` searches (SearchableQuerySet.search): every
    word, any case, any accents, each row once."""
    return queryset.search(search_term), False


# The largest primary key a database stores (a signed 64-bit integer on both databases).
MAX_ID = 2**63 - 1


def row_id(value):
    """``value`` (a string from the address or a form) as a primary key, or None: ASCII
    digits only ("²" and "٣" pass ``str.isdigit`` but are no id) and at most MAX_ID
    (SQLite cannot even compare a larger number)."""
    if not (value and value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def chosen_edition_id(request):
    """The edition a list is filtered on, or None. An add page opened from a filtered list
    carries the list's filters in ``_changelist_filters``: the edition chosen there counts."""
    value = request.GET.get(EDITION_PARAM) or QueryDict(
        request.GET.get("_changelist_filters", "")
    ).get(EDITION_PARAM, "")
    return row_id(value)


class EditionInitialMixin:
    """A new row's edition: the one the list was filtered by, else the current edition."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "conference" not in initial:
            edition_id = chosen_edition_id(request)
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


# Clash warnings shown after a save or a move; the others are counted (a 24-hour talk in a
# busy edition clashes with hundreds, and each message waits in the session until the next
# page).
LISTED_CLASHES = 10


def clash_warnings(clashes, count):
    """The warnings an organiser reads about ``clashes`` (the first of ``count``): each
    clash's message, and how many more were not listed."""
    listed = [clash.message() for clash in clashes[:LISTED_CLASHES]]
    if count > len(listed):
        listed.append(f"{count - len(listed):,} more clashes, not listed ({count:,} in all).")
    return listed


# What the admin's lists say of a talk without a slot (no day, time nor room).
UNSCHEDULED = "Unscheduled"


def local_when(talk):
    """'Monday, May 18, 9:00–9:25 AM PDT' in the talk's conference timezone, or
    'Unscheduled'."""
    if not talk.is_scheduled:
        return UNSCHEDULED
    return when_label(talk.local_start, talk.local_end)


def rendered_in(edition, respond):
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

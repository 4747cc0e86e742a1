"""What every model of the program shares: stamped times, search, slugs and timezones."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from program.text import entered_text, search_terms, search_text, shortened


def is_timezone_name(value):
    """Whether ``value`` names a zone of the IANA database. A name too long for a file
    name (OSError) or not a relative path (ValueError) names none."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


# Its own code, so that a model form keeps this message instead of the form field's generic one.
HTTP_URL = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with http:// or https://.",
    code="web_address",
)


def validate_timezone(value):
    if not is_timezone_name(value):
        raise ValidationError(
            "“%(value)s” is not an IANA timezone name such as America/Los_Angeles.",
            params={"value": shortened(value)},
        )


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Every admin form cleans its instance here, so typed text is stored in NFC and
        # trimmed whichever form it came through (docs/organisers/imports.md); imports clean their
        # text with the same function.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            text_field = isinstance(field, models.CharField | models.TextField)
            if text_field and field.editable and isinstance(value, str):
                setattr(self, field.attname, entered_text(value))
        super().clean_fields(exclude)


class TimestampedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """An update is a change too: move updated_at, which auto_now moves only on save().

        Feeds, cached pages and API syncs find changes by updated_at.
        """
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class SearchableQuerySet(TimestampedQuerySet):
    """Keeps each row's search_text in step with its searched fields, whatever the write."""

    def update(self, **kwargs):
        searched = self.model.searched_fields
        if not any(name in kwargs for name in searched):
            return super().update(**kwargs)
        # The new values may be expressions: read them back once written.
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            rows = self.model._base_manager.filter(pk__in=pks).values_list("pk", *searched)
            # The base manager's plain QuerySet: no second updated_at or sequence change.
            self.model._base_manager.bulk_update(
                [self.model(pk=pk, search_text=search_text(*texts)) for pk, *texts in rows],
                ["search_text"],
            )
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refresh_search_text()
        return super().bulk_create(objs, *args, **kwargs)

    def search(self, query):
        """Rows whose searched fields match every term of ``query`` (program.text.search_terms:
        phrases, word starts, hyphens, plurals), ignoring case and accents: both sides
        folded alike (program.text.search_text)."""
        queryset = self
        for term in search_terms(query):
            queryset = queryset.filter(self.term_match(term))
        return queryset

    def term_match(self, term):
        """Rows whose search_text holds one of the term's texts."""
        return self.holds(term, "search_text")

    @staticmethod
    def holds(term, field):
        match = Q()
        for text in term:
            match |= Q(**{f"{field}__contains": text})
        return match


class SearchableModel(models.Model):
    """A row that public search reads: its searched fields, folded once when written.

    Search compares ``search_text`` (program.text.search_text: case folded, accents
    removed) with the folded query words, so it ignores case and accents across Unicode,
    the same on SQLite and PostgreSQL. It is kept on every ORM write: save() (update_fields
    too), QuerySet.update() and bulk_create() (SearchableQuerySet), and fixtures, whose raw
    saves skip save() (fixture_search_text below).
    """

    searched_fields = ()

    search_text = models.TextField(
        editable=False, default="", help_text="The searched fields, folded for search."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.searched_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def refresh_search_text(self):
        self.search_text = search_text(*(getattr(self, name) for name in self.searched_fields))


@receiver(pre_save)
def fixture_search_text(sender, instance, raw, **kwargs):
    """loaddata saves rows raw, without save(): fold their search text here."""
    if raw and isinstance(instance, SearchableModel):
        instance.refresh_search_text()


class SlugManager(models.Manager.from_queryset(TimestampedQuerySet)):
    """Fixtures refer to rows by slug, so loading one twice updates instead of duplicating."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class EditionSlugManager(models.Manager.from_queryset(TimestampedQuerySet)):
    """Rows whose slug is unique within their edition (rooms, tracks)."""

    def get_by_natural_key(self, conference_slug, slug):
        return self.get(conference__slug=conference_slug, slug=slug)

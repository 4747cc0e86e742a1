"""Every text field of the program's admin forms refuses what no stored text may hold.

Control characters (but tab and line ends) and lone surrogates pasted into a name or an
abstract would reach feeds, headers and calendar files, which cannot all carry them
(program/outputs.py cleans them there too). The admin refuses them where they are typed,
naming the field; imports refuse them the same way (program.importers.records.text_problems).
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from program.text import unstorable_character


class StorableText:
    """A form field validator: ``label`` names the field in the message."""

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        found = unstorable_character(value) if isinstance(value, str) else None
        if found:
            raise ValidationError(
                f"{self.label} holds {found}, which no text here may hold: remove it.",
                code="unstorable",
            )


class StorableTextMixin:
    """Adds StorableText to the form field of every CharField and TextField (slugs and
    URLs included) of a ModelAdmin or inline."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, (models.CharField, models.TextField)):
            label = str(formfield.label or db_field.verbose_name)
            formfield.validators.append(StorableText(label[:1].upper() + label[1:]))
        return formfield


class ProgramModelAdmin(StorableTextMixin, admin.ModelAdmin):
    pass


class ProgramTabularInline(StorableTextMixin, admin.TabularInline):
    pass

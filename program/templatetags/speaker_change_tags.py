"""The count of speakers' changes waiting, shown on the admin's speaker list."""

from django import template

from program.admin.speaker_changes import waiting_count

register = template.Library()


@register.simple_tag
def waiting_speaker_changes():
    """How many speakers' changes wait for an organiser's decision (one query)."""
    return waiting_count()

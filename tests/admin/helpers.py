"""What the admin tests read from the admin's pages, and the forms they send."""

import lxml.html
from django.urls import reverse

from tests.factories import TalkTypeFactory


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:program_{model}_{view}", args=args)


def titles(response):
    """The talk titles (or object names) the changelist shows, in order."""
    return [str(row) for row in response.context["cl"].result_list]


def inline_rows(response, group_id):
    """The cells of each saved row of an inline, as text."""
    page = lxml.html.fromstring(response.content.decode())
    rows = page.xpath(f"//div[@id='{group_id}']//tr[contains(@class, 'has_original')]")
    return [
        [cell.text_content().strip() for cell in row.xpath("td[starts-with(@class, 'field-')]")]
        for row in rows
    ]


def prepopulated(response):
    """The form's prepopulated fields: {field: [fields it is filled from]}."""
    return {
        entry["field"].name: [dependency.name for dependency in entry["dependencies"]]
        for entry in response.context["adminform"].prepopulated_fields
    }


def form_data(response, form_id, changes=None):
    """What a browser submits from the page's form, with some fields changed (None removes)."""
    form = lxml.html.fromstring(response.content.decode()).get_element_by_id(form_id)
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def add_link(list_response):
    """The "Add" button's address on a changelist (it carries the list's filters)."""
    page = lxml.html.fromstring(list_response.content.decode())
    (href,) = page.xpath("//a[contains(@class, 'addlink')]/@href")
    return href


def selected_edition(response):
    page = lxml.html.fromstring(response.content.decode())
    return page.xpath("//select[@name='conference']/option[@selected]/text()")


def new_talk_data(page, edition, room, speakers, **changes):
    """The add form filled in as an organiser would, times in conference time."""
    data = {
        "conference": str(edition.pk),
        "title": "Systems for Agents",
        "slug": "systems-for-agents",
        "type": str(TalkTypeFactory(slug="keynote", name="Keynote").pk),
        "status": "published",
        "start_0": "2026-05-18",
        "start_1": "9:00",
        "end_0": "2026-05-18",
        "end_1": "9:25",
        "room": str(room.pk),
        "abstract": "Agents need systems.",
        "speaker_links-TOTAL_FORMS": str(len(speakers)),
    }
    for index, speaker in enumerate(speakers):
        data[f"speaker_links-{index}-speaker"] = str(speaker.pk)
        data[f"speaker_links-{index}-position"] = str(index)
    data.update(changes)
    return form_data(page, "talk_form", data)

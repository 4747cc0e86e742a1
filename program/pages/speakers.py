"""The speakers of an edition, and a speaker's page with their talks of every edition."""

import itertools
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from program.models import Conference, Speaker, Talk
from program.pages.base import EditionMixin
from program.pages.listing import (
    speaker_entries,
)
from program.pages.talks import meta_description, person_json_ld
from program.times import talk_when


class SpeakerListView(EditionMixin, TemplateView):
    template_name = "program/speaker_list.html"
    section = "speakers"
    staff_preview = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(speakers=speaker_entries(self.conference), **kwargs)


@dataclass
class EditionTalks:
    """A speaker's talks at one edition, each with its day and time label."""

    conference: Conference
    talks: list


class SpeakerDetailView(EditionMixin, TemplateView):
    template_name = "program/speaker_detail.html"
    section = "speakers"
    staff_preview = True

    def get_context_data(self, **kwargs):
        speaker = get_object_or_404(
            Speaker.objects.filter(talks__in=self.public_talks()).distinct(), slug=kwargs["slug"]
        )
        # Their public talks of every edition, and of this one when staff preview it.
        talks = (
            (Talk.objects.published() | Talk.objects.listed_in(self.conference))
            .filter(speakers=speaker)
            .select_related("conference", "public_room", "type")
            .order_by("-conference__start_date", "public_start")
        )
        editions = [
            EditionTalks(conference, [(talk, talk_when(talk, conference.tzinfo)) for talk in group])
            for conference, group in itertools.groupby(talks, key=lambda talk: talk.conference)
        ]
        this_edition = [group for group in editions if group.conference == self.conference]
        others = [group for group in editions if group.conference != self.conference]
        return super().get_context_data(
            speaker=speaker,
            json_ld={
                "@context": "https://schema.org",
                **person_json_ld(speaker, self.conference, self.request),
            },
            this_edition=this_edition[0] if this_edition else None,
            other_editions=others,
            description=meta_description(
                ", ".join(filter(None, [speaker.name, speaker.affiliation])) + ".", speaker.bio
            ),
            **kwargs,
        )

"""A talk's speakers, in the order the program lists them."""

from django.db import models

from program.models.speakers import Speaker


class TalkSpeakerManager(models.Manager):
    def get_by_natural_key(self, conference_slug, talk_slug, speaker_slug):
        return self.get(
            talk__conference__slug=conference_slug,
            talk__slug=talk_slug,
            speaker__slug=speaker_slug,
        )


class TalkSpeaker(models.Model):
    """A speaker of a talk, in the order the program lists them."""

    talk = models.ForeignKey("program.Talk", on_delete=models.CASCADE, related_name="speaker_links")
    # A speaker with talks cannot be deleted: the talks would lose them unseen.
    speaker = models.ForeignKey(Speaker, on_delete=models.PROTECT, related_name="talk_links")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TalkSpeakerManager()

    class Meta:
        ordering = ["talk", "position"]
        verbose_name = "speaker of the talk"
        verbose_name_plural = "speakers of the talk"
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talkspeaker_unique_speaker"),
        ]

    def __str__(self):
        return f"{self.speaker} in “{self.talk}”"

    def natural_key(self):
        return (*self.talk.natural_key(), self.speaker.slug)

    natural_key.dependencies = ["program.talk", "program.speaker"]

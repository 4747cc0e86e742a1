from program.links import slug_url
from program.photos import photo_url_function


class PageLinks:
    """Absolute URLs of one edition's talk and speaker pages, for a feed."""

    def __init__(self, conference, absolute_uri):
        self.absolute = absolute_uri
        self.photo_url = photo_url_function()
        self.talk_url = slug_url("program:talk-detail", conference.slug, absolute_uri)
        self.speaker_url = slug_url("program:speaker-detail", conference.slug, absolute_uri)

    def talk(self, talk):
        return self.talk_url(talk.slug)

    def speaker(self, speaker):
        return self.speaker_url(speaker.slug)

    def photo(self, speaker):
        """The absolute URL of the largest size of the speaker's photo, or None."""
        return self.absolute(self.photo_url(speaker.photo.name)) if speaker.photo else None

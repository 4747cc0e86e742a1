from program.links import slug_url


class PageLinks:
    """Absolute URLs of one edition's talk and speaker pages, for a feed."""

    def __init__(self, conference, absolute_uri):
        self.absolute = absolute_uri
        self.talk_url = slug_url("program:talk-detail", conference.slug, absolute_uri)
        self.speaker_url = slug_url("program:speaker-detail", conference.slug, absolute_uri)

    def talk(self, talk):
        return self.talk_url(talk.slug)

    def speaker(self, speaker):
        return self.speaker_url(speaker.slug)

from django.urls import reverse

MARKER = "feed-link-slug"


class PageLinks:
    """Absolute URLs of one edition's talk and speaker pages.

    Each route is reversed once and the slug spliced in: reverse() for every talk and
    speaker was a third of the time a 2,000-talk schedule took.
    """

    def __init__(self, conference, absolute_uri):
        self.talk_url = self.template("program:talk-detail", conference, absolute_uri)
        self.speaker_url = self.template("program:speaker-detail", conference, absolute_uri)

    @staticmethod
    def template(name, conference, absolute_uri):
        url = absolute_uri(reverse(name, kwargs={"edition": conference.slug, "slug": MARKER}))
        # The slug is the last part of these routes, even if the edition's slug held MARKER.
        head, _, tail = url.rpartition(MARKER)
        return head, tail

    def talk(self, talk):
        head, tail = self.talk_url
        return f"{head}{talk.slug}{tail}"

    def speaker(self, speaker):
        head, tail = self.speaker_url
        return f"{head}{speaker.slug}{tail}"

"""Each track's colours as a stylesheet (pages set no inline style)."""

from django.core.validators import slug_re
from django.shortcuts import get_object_or_404, render

from program.colours import COLOUR, label_ink
from program.models import Conference, Talk


def track_styles(request, edition):
    """/<edition>/tracks.css: each track's colour, and black or white text that reads on it.

    Pages set no inline style (the Content-Security-Policy forbids it), so a track label
    (``data-track="<slug>"``) takes its colours from this stylesheet.
    """
    conference = get_object_or_404(Conference.objects.published(), slug=edition)
    # The tracks of its public talks: a track known only from drafts is not told.
    used = Talk.objects.listed_in(conference).rows_used(conference.tracks.all())
    tracks = [
        (track.slug, track.colour.lower(), label_ink(track.colour))
        for track in used.order_by("slug")
        if COLOUR.fullmatch(track.colour) and slug_re.fullmatch(track.slug)
    ]
    return render(request, "program/tracks.css", {"tracks": tracks}, content_type="text/css")

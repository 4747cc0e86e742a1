"""Who sees what on the site: the public sees public talks and what they use; staff who may
view talks also preview drafts and editions not yet published. The pages and the admin's
"View on site" read the same rules here."""

from program.models import Conference, Room, Speaker, Talk


def may_preview(user):
    """Whether a user sees drafts, talks waiting for the next release and unpublished
    editions: staff whom the admin lets see
    talks (the view or change permission), as on the admin's own pages."""
    return user.is_staff and (
        user.has_perm("program.view_talk") or user.has_perm("program.change_talk")
    )


def site_url(obj, *, preview):
    """The path of the page that shows ``obj`` (an edition, room, talk or speaker), or None.

    With ``preview`` False, only a page the public sees: a published edition's program, a
    public talk's page, a room's program (when public talks use it), a speaker's page at
    the latest edition where they give a public talk. With ``preview`` True (staff who
    may_preview), also what those staff see marked "Not public": a draft's page, an
    unpublished edition's, a room or speaker of its listed talks. Anything else (a room or
    speaker only drafts use, a model with no page) has none.
    """
    talks = Talk.objects.published()
    if preview:
        talks = Talk.objects.filter(status__in=[Talk.Status.PUBLISHED, Talk.Status.CANCELLED])
    if isinstance(obj, Conference):
        return obj.get_absolute_url() if obj.is_published or preview else None
    if isinstance(obj, Talk):
        public = talks.filter(pk=obj.pk).exists()
        return obj.get_absolute_url() if public or preview else None
    if isinstance(obj, Room):
        room = "room" if preview else "public_room"  # public talks: their public room
        return obj.get_absolute_url() if talks.filter(**{room: obj}).exists() else None
    if isinstance(obj, Speaker):
        edition = (
            Conference.objects.filter(talks__in=talks.filter(speakers=obj))
            .order_by("-start_date", "slug")
            .first()
        )
        return obj.get_absolute_url(edition) if edition is not None else None
    return None

"""What a speaker saves through their link: made public at once, or kept for approval.

The edition whose link was used decides (``Conference.speaker_changes_need_approval``). A
speaker is one person across editions, so an approved or live change to their name,
affiliation, bio or photo shows on every edition's pages; materials belong to talks of
that edition only. The speaker's history records (and the materials') name who made the
change: the change reason says "through their link", and ``history_user`` is the organiser
who approved it, if any.

submit() takes what the link's form holds, already cleaned (program/pages/speaker_link.py):

- ``values``: ``{"name" | "affiliation" | "bio": text}``; only those that differ count;
- ``photo``: a PreparedPhoto (program/photos.py) or None; ``remove_photo``: True for none;
- ``resources``: ``{talk: [{"kind", "url", "title"}, ...]}``, each talk's whole new list,
  for talks of the speaker in the link's edition (ValueError for any other).

It raises speaker_links.LinkGone, saving nothing, when the link no longer works.
"""

from django.db import transaction

from program.machinery import clock
from program.models import Resource, SpeakerChange, SpeakerLink, Talk
from program.photos import delete_files, photo_files, store_photo
from program.speaker_links import LinkGone, has_expired

PROFILE_FIELDS = ("name", "affiliation", "bio")


def link_reason(conference):
    """The history's change reason of a write made through a speaker's link."""
    return f"By the speaker, through their link for {conference}"


def own_talks(link):
    """The talks ``link``'s speaker may edit the materials of: theirs, in its edition."""
    return Talk.objects.filter(conference=link.conference_id, speakers=link.speaker_id)


def materials(talk):
    """A talk's materials as submit() takes them: ``[{"kind", "url", "title"}, ...]``."""
    return [
        {"kind": r.kind, "url": r.url, "title": r.title}
        for r in Resource.objects.filter(talk=talk).order_by("position", "pk")
    ]


def pending_change(speaker, conference):
    """The speaker's change waiting for approval in ``conference``, or None."""
    return SpeakerChange.objects.filter(
        speaker=speaker, conference=conference, status=SpeakerChange.Status.PENDING
    ).first()


def submit(link, *, values=None, photo=None, remove_photo=False, resources=None):
    """Record what the speaker of ``link`` saved; returns the SpeakerChange, or None when
    nothing differs from what stands (and from what already waits)."""
    speaker, conference = link.speaker, link.conference
    resources = resources or {}
    allowed = set(own_talks(link).values_list("pk", flat=True))
    if any(talk.pk not in allowed for talk in resources):
        raise ValueError("A speaker's link edits the materials of their own talks only.")
    given = {field: text for field, text in (values or {}).items() if field in PROFILE_FIELDS}
    values = {field: text for field, text in given.items() if text != getattr(speaker, field)}
    new_lists = {str(talk.pk): items for talk, items in resources.items()}
    standing = {str(talk.pk): materials(talk) for talk in resources}
    lists = {key: items for key, items in new_lists.items() if items != standing[key]}
    with transaction.atomic():
        # The link may have been revoked (or a new one made) since the request found it:
        # locked, so that a revocation waits for this save or this save sees it.
        locked = SpeakerLink.objects.select_for_update().filter(pk=link.pk)
        if not locked.filter(revoked_at__isnull=True).exists() or has_expired(conference):
            raise LinkGone
        stored = store_photo(photo) if photo is not None else ""
        change = (
            SpeakerChange.objects.select_for_update()
            .filter(speaker=speaker, conference=conference, status=SpeakerChange.Status.PENDING)
            .first()
        )
        asked = values or lists or stored or (remove_photo and speaker.photo)
        if not asked and change is None:
            return None
        if change is None:
            change = SpeakerChange(speaker=speaker, conference=conference)
        previous = {field: getattr(speaker, field) for field in values}
        previous |= {key: standing[key] for key in lists}
        change.previous = {**previous, **change.previous}
        # A later save replaces what an earlier one asked of the same field or talk; a wish
        # that now stands as asked (or that the speaker took back) is dropped.
        change.values = {
            field: text
            for field, text in {**change.values, **given}.items()
            if text != getattr(speaker, field)
        }
        change.resources = {
            key: items
            for key, items in {**change.resources, **new_lists}.items()
            # A talk only an earlier save named is read here: the others are in standing.
            if items != (standing[key] if key in standing else materials(key))
        }
        if stored or remove_photo:
            replaced = photo_files(change)
            transaction.on_commit(lambda: delete_files(replaced))
            change.photo, change.photo_width, change.photo_height = "", None, None
            change.remove_photo = remove_photo and not stored and bool(speaker.photo)
            if stored:
                change.photo, change.photo_width, change.photo_height = (
                    stored,
                    photo.width,
                    photo.height,
                )
        change.previous = {
            key: before
            for key, before in change.previous.items()
            if key in change.values or key in change.resources
        }
        change.link = link
        if not (change.values or change.resources or change.photo or change.remove_photo):
            # Everything it asked was taken back: nothing waits any more.
            if change.pk:
                change.delete()
            return None
        if conference.speaker_changes_need_approval:
            change.save()
        else:
            apply(change, user=None)
            change.status, change.decided_at = SpeakerChange.Status.LIVE, clock.now()
            change.save()
    return change


def apply(change, *, user):
    """Write ``change`` to the speaker and their talks' materials, recording ``user`` (the
    approving organiser, or None for the speaker's own live change) in the history."""
    speaker = change.speaker
    reason = link_reason(change.conference)
    if user is not None:
        reason = f"Approved: {reason[0].lower()}{reason[1:]}"
    previous_photo = []
    for field, text in change.values.items():
        setattr(speaker, field, text)
    if change.photo or change.remove_photo:
        previous_photo = photo_files(speaker)
        speaker.photo = change.photo.name if change.photo else ""
        speaker.photo_width, speaker.photo_height = change.photo_width, change.photo_height
    speaker._change_reason, speaker._history_user = reason, user
    speaker.save()
    transaction.on_commit(lambda: delete_files(previous_photo))
    talks = Talk.objects.filter(pk__in=[int(key) for key in change.resources])
    for talk in talks:
        replace_materials(talk, change.resources[str(talk.pk)], reason=reason, user=user)


def replace_materials(talk, items, *, reason, user):
    """Make ``talk``'s materials ``items``, in that order: a row whose kind and URL stay is
    kept (its title and place updated), the others deleted or added, each recorded."""
    existing = {(r.kind, r.url): r for r in Resource.objects.filter(talk=talk)}
    for position, item in enumerate(items):
        resource = existing.pop((item["kind"], item["url"]), None) or Resource(
            talk=talk, kind=item["kind"], url=item["url"]
        )
        if resource.pk and (resource.title, resource.position) == (item["title"], position):
            continue
        resource.title, resource.position = item["title"], position
        resource._change_reason, resource._history_user = reason, user
        resource.full_clean()
        resource.save()
    for resource in existing.values():
        resource._change_reason, resource._history_user = reason, user
        resource.delete()


def approve(changes, *, user):
    """Make each pending change of ``changes`` (a queryset) public; returns how many."""
    done = 0
    with transaction.atomic():
        for change in changes.select_for_update().filter(status=SpeakerChange.Status.PENDING):
            apply(change, user=user)
            change.status, change.decided_at, change.decided_by = (
                SpeakerChange.Status.APPROVED,
                clock.now(),
                user,
            )
            # updated_at stays when the speaker last saved ("Saved (last)" in the admin).
            change.save(update_fields=["status", "decided_at", "decided_by"])
            done += 1
    return done


def reject(changes, *, user):
    """Turn down each pending change of ``changes``; its new photo's files go. Returns how
    many."""
    done = 0
    with transaction.atomic():
        for change in changes.select_for_update().filter(status=SpeakerChange.Status.PENDING):
            files = photo_files(change)
            transaction.on_commit(lambda files=files: delete_files(files))
            change.photo, change.photo_width, change.photo_height = "", None, None
            change.status, change.decided_at, change.decided_by = (
                SpeakerChange.Status.REJECTED,
                clock.now(),
                user,
            )
            change.save(
                update_fields=[
                    *("photo", "photo_width", "photo_height"),
                    *("status", "decided_at", "decided_by"),
                ]
            )
            done += 1
    return done

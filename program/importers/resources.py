"""An import's resources (slides, video...) added to a talk it updates, and its rooms' live
streams."""

from program.models import Resource


def merge_resources(talk, records):
    """Add the file's resources to the talk, after its own; one with a URL the talk already
    has updates that resource's kind and title. Nothing is removed: organisers add slides and
    recordings in the admin after the program was imported. Returns whether anything changed."""
    existing = {resource.url: resource for resource in talk.resources.all()}
    position = max((resource.position for resource in existing.values()), default=-1) + 1
    changed = False
    for record in records:
        resource = existing.get(record.url)
        if resource is None:
            existing[record.url] = Resource.objects.create(
                talk=talk, kind=record.kind, url=record.url, title=record.title, position=position
            )
            position += 1
            changed = True
        elif (resource.kind, resource.title) != (record.kind, record.title):
            resource.kind, resource.title = record.kind, record.title
            resource.save(update_fields=["kind", "title", "updated_at"])
            changed = True
    return changed


def set_room_streams(rooms, streams):
    """Each room (``rooms``: name -> Room) that has no live stream gets the one the file gives
    it (``streams``: name -> URL, importers/frab.py); a room's own stream, the organisers',
    is kept. Returns the names of the rooms changed."""
    changed = []
    for name, url in streams.items():
        room = rooms[name]
        if not room.stream_url:
            room.stream_url = url
            room.save(update_fields=["stream_url", "updated_at"])
            changed.append(name)
    return changed

"""One parsed file matched against an edition (ScheduleImport.check) and written
(ScheduleImport.write), and what it did (ImportResult).

Matching: talks by slug, or by title and start; rooms, types, tracks and speakers by name
or slug (speakers by name_key). Only what differs is saved. Writes go in batches of BATCH
rows.
"""

from django.db.models import Prefetch
from django.utils.text import slugify

from program.clashes import first_clashes
from program.colours import PALETTE
from program.importers.records import ImportFailed, changed_details, problem, quoted
from program.importers.resources import merge_resources, set_room_streams
from program.importers.result import ImportResult
from program.importers.unscheduled import (
    imported_status,
    label,
    placing_note,
    unslotting_problems,
)
from program.models import (
    Resource,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
    TalkType,
    Track,
)
from program.text import name_key

# Rows per INSERT, well under SQLite's limit of bound variables.
BATCH = 500
# Clashes listed among an import's warnings; the others are counted (a file whose talks all
# overlap makes hundreds of thousands, docs/organisers/imports.md).
LISTED_CLASHES = 100


class ScheduleImport:
    def __init__(self, conference, parsed, *, dry_run):
        self.conference = conference
        self.parsed = parsed
        self.problems = parsed.problems
        self.result = ImportResult(
            conference=conference, conference_created=conference.pk is None, dry_run=dry_run
        )
        self.result.warnings += parsed.warnings
        self.explicit_slugs = {record.slug for record in parsed.talks if record.slug}

    def check(self):
        """Every problem of the file against the database, without writing: ImportFailed."""
        records = self.parsed.talks
        if not records and not self.problems:
            self.problems.append("The file holds no talks.")
        self._merge_repeated_speakers(records)
        types = self._resolve([record.type for record in records], TalkType.objects.all())
        self._refuse_unknown(records, "type", types, "a talk type here (types")
        tracks = self._resolve([record.track for record in records], self._existing(Track))
        self._refuse_unknown(records, "track", tracks, "a track of this edition (tracks")
        # The rooms the file lists (frab lists every room, even one without talks), then any
        # other room its talks name, in the file's order.
        room_names = [*self.parsed.rooms, *(record.room for record in records if record.room)]
        room_names = list(dict.fromkeys(room_names))
        rooms = self._resolve(room_names, self._existing(Room))
        self.types, self.tracks, self.rooms = types, tracks, rooms
        self.room_names = room_names
        self.matches = self._match_talks(records)
        self.problems += unslotting_problems(records, self.matches)
        self.known_speakers = self._known_speakers(records)
        if self.problems:
            raise ImportFailed(self.problems)

    def write(self):
        """The writes of a checked import; call inside a transaction."""
        records = self.parsed.talks
        matches, room_names = self.matches, self.room_names
        created = self.result.conference_created
        if created:
            # Published once its talks are in: they are its starting state, not changes
            # (program/changes.py).
            self.conference.is_published = False
            self.conference.save()
        types = self._create_types(self.types, records)
        tracks = self._create_tracks(self.tracks, records)
        rooms = self._create_rooms(self.rooms, room_names)
        streams = self.parsed.room_streams
        set_room_streams({name: rooms[_key(name)] for name in streams}, streams)
        speakers = self._speakers()
        self.talk_slugs = {talk.slug for talk in self.existing_talks} | self.explicit_slugs
        self.slug_numbers = {}  # for _free_slug
        self.new_talks = []  # (talk, speakers, resource records), written in bulk
        talks = [
            self._save_talk(record, matches.get(id(record)), types, tracks, rooms, speakers)
            for record in records
        ]
        self._create_new_talks()
        if created:
            self.conference.is_published = True
            self.conference.save()
        # Clashes this file takes part in; those among the edition's other talks are not news.
        clashes, count = first_clashes(
            self.conference, involving={talk.pk for talk in talks}, limit=LISTED_CLASHES
        )
        self.result.warnings += [f"{quoted(clash.talk)}: {clash.message()}" for clash in clashes]
        if count > len(clashes):
            self.result.warnings.append(
                f"{count - len(clashes):,} more clashes, not listed ({count:,} in all): "
                "the first are above."
            )
        return self.result

    # Checking and matching, no writes.

    def _merge_repeated_speakers(self, records):
        """A talk lists a person once: spellings of one name (name_key) are merged."""
        for record in records:
            kept = {}
            for name in record.speakers:
                first = kept.setdefault(name_key(name), name)
                if first is not name:
                    self.result.warnings.append(
                        f"{record.where}, speakers: {quoted(name)} is {quoted(first)} again; "
                        "listed once."
                    )
            record.speakers = list(kept.values())

    def _resolve(self, names, known):
        """Name key -> existing row, or None when it is to be created.

        Rows (rooms, types, tracks) match by name (any case, any Unicode form) or slug, so
        "Hall A", "hall a" and "hall-a" are one.
        """
        index = {}
        for row in known:
            for key in (row.name, row.slug):
                index.setdefault(name_key(key), row)
        resolved = {}
        for text in names:
            if text and _key(text) not in resolved:
                resolved[_key(text)] = index.get(name_key(text)) or index.get(slugify(text))
        return resolved

    def _refuse_unknown(self, records, attribute, resolved, what):
        """In a spreadsheet, a type or track must exist: a typo must not invent one."""
        if self.parsed.creates_types:
            return
        for record in records:
            text = getattr(record, attribute)
            if text and resolved[_key(text)] is None:
                self.problems.append(
                    problem(
                        record.where,
                        attribute,
                        f"{quoted(text)} is not {what} match by slug or name; organisers add new "
                        "ones in the admin)",
                    )
                )

    def _existing(self, model):
        """The edition's rooms or tracks (none for an edition the import creates)."""
        if self.conference.pk is None:
            return []
        return list(model.objects.filter(conference=self.conference))

    def _existing_talks(self):
        """The edition's talks with what an import compares: their speakers by id only (a
        large edition has tens of thousands of links), their resources."""
        if self.conference.pk is None:
            return []
        return list(
            Talk.objects.filter(conference=self.conference)
            .defer("search_text")
            .select_related("conference", "type", "room", "track")
            .prefetch_related(
                Prefetch(
                    "speaker_links",
                    queryset=TalkSpeaker.objects.only("talk_id", "speaker_id").order_by("position"),
                    to_attr="speaker_ids_links",
                ),
                "resources",
            )
            .order_by("pk")
        )

    def _match_talks(self, records):
        """id(record) -> the existing talk it updates: on slug, or on title and start.

        Slugs given in the file claim first, then title and start (the same room preferred
        when an edition repeats a title at one time, as parallel breaks do), then the
        slugified title of rows without a slug, which finds a talk whose time moved.
        """
        talks = self.existing_talks = self._existing_talks()
        by_slug = {talk.slug: talk for talk in talks}
        by_title_and_start = {}
        for talk in talks:
            by_title_and_start.setdefault((talk.title, talk.start), []).append(talk)
        claimed = {}  # talk pk -> record
        matches = {}

        seen_slugs, seen_talks = {}, {}
        for record in records:
            if record.slug:
                if record.slug in seen_slugs:
                    self.problems.append(
                        problem(
                            record.where,
                            "slug",
                            f"{quoted(record.slug)} is also in {seen_slugs[record.slug]}",
                        )
                    )
                seen_slugs.setdefault(record.slug, record.where)
            key = (record.title, record.start, (record.room or "").casefold())
            if record.title and record.start and key in seen_talks:
                self.problems.append(
                    problem(
                        record.where,
                        "title",
                        f"the same title, start and room as {seen_talks[key]}",
                    )
                )
            seen_talks.setdefault(key, record.where)

        def claim(record, talk):
            matches[id(record)] = talk
            claimed[talk.pk] = record

        for record in records:
            talk = by_slug.get(record.slug) if record.slug else None
            if talk is not None:
                claim(record, talk)
        # An unscheduled record matches an unscheduled talk of its title (start None).
        for record in records:
            if id(record) in matches or not (record.start or record.unscheduled):
                continue
            candidates = [
                talk
                for talk in by_title_and_start.get((record.title, record.start), [])
                if talk.pk not in claimed
            ]
            candidates.sort(
                key=lambda talk: (
                    talk.room is None or talk.room.name.casefold() != (record.room or "").casefold()
                )
            )
            if candidates:
                claim(record, candidates[0])
        for record in records:
            if id(record) in matches or record.slug or not record.title:
                continue
            talk = by_slug.get(_slugified(record.title, Talk))
            if talk is not None and talk.pk not in claimed:
                claim(record, talk)
        return matches

    # Writes, once everything checked out.

    def _create_types(self, types, records):
        for record in records:
            if types[_key(record.type)] is None:
                slug = _free_slug(
                    record.type,
                    TalkType,
                    "type",
                    lambda s: TalkType.objects.filter(slug=s).exists(),
                )
                types[_key(record.type)] = TalkType.objects.create(slug=slug, name=record.type)
                self.result.types_created.append(record.type)
        return types

    def _create_tracks(self, tracks, records):
        """New tracks with the colour and slug the file gives them, else a colour of ours."""
        described = {_key(track.name): track for track in self.parsed.tracks}
        count = Track.objects.filter(conference=self.conference).count()
        for record in records:
            if record.track and tracks[_key(record.track)] is None:
                track = described.get(_key(record.track))
                slug = _free_slug(
                    track.slug if track and track.slug else record.track,
                    Track,
                    "track",
                    lambda s: Track.objects.filter(conference=self.conference, slug=s).exists(),
                )
                tracks[_key(record.track)] = Track.objects.create(
                    conference=self.conference,
                    name=record.track,
                    slug=slug,
                    colour=(track.colour if track else "") or PALETTE[count % len(PALETTE)],
                )
                count += 1
                self.result.tracks_created.append(record.track)
        return tracks

    def _create_rooms(self, rooms, names):
        """New rooms after the edition's others (Room.save), in the order the file names them."""
        for name in names:
            if rooms[_key(name)] is None:
                slug = _free_slug(
                    name, Room, "room", lambda s: self.conference.rooms.filter(slug=s).exists()
                )
                rooms[_key(name)] = Room.objects.create(
                    conference=self.conference, name=name, slug=slug
                )
                self.result.rooms_created.append(name)
        return rooms

    def _known_speakers(self, records):
        """(names, details, speakers, taken slugs): the file's speakers by name key (first
        spelling, details of the Speakers sheet or frab person), the known ones among them
        as Speakers, and every speaker slug. Reads only.

        Speakers match by name_key (docs/organisers/imports.md: whatever the normalisation
        form, letter case or spacing), so "Guillermo Pérez" typed composed, decomposed or in
        capitals is one person. Keys are computed here for every speaker's name: one small
        query, where no database could compare them alike.
        """
        details = {}
        for detail in self.parsed.speakers:
            details.setdefault(name_key(detail.name), detail)
        names = {}  # key -> the first spelling in the file
        for name in [name for record in records for name in record.speakers]:
            names.setdefault(name_key(name), name)
        for key, detail in details.items():
            names.setdefault(key, detail.name)
        known = {}
        for pk, name in Speaker.objects.order_by("pk").values_list("pk", "name"):
            key = name_key(name)
            if key in names:
                known.setdefault(key, pk)
        by_pk = Speaker.objects.in_bulk(known.values())
        speakers = {key: by_pk[pk] for key, pk in known.items()}
        taken = set(Speaker.objects.values_list("slug", flat=True))
        return names, details, speakers, taken

    def _speakers(self):
        """Name key -> Speaker: known speakers reused (details of a Speakers sheet written),
        new ones created."""
        names, details, speakers, taken = self.known_speakers
        new, tried = [], {}
        for key, name in names.items():
            detail = details.get(key)
            speaker = speakers.get(key)
            if speaker is None:
                slug = _free_slug(name, Speaker, "speaker", taken.__contains__, tried)
                taken.add(slug)
                speakers[key] = Speaker(
                    name=name,
                    slug=slug,
                    affiliation=detail.affiliation if detail else "",
                    bio=detail.bio if detail else "",
                    email=detail.email if detail else "",
                )
                new.append(speakers[key])
                self.result.speakers_created.append(name)
            elif detail is not None and (changed := changed_details(detail, speaker)):
                for attribute in changed:
                    setattr(speaker, attribute, getattr(detail, attribute))
                speaker.save(update_fields=[*changed, "updated_at"])
                self.result.speakers_updated.append(f"{name} ({', '.join(changed)})")
        Speaker.objects.bulk_create(new, batch_size=BATCH)
        return speakers

    def _save_talk(self, record, talk, types, tracks, rooms, speakers):
        """Create or update the record's talk (only what differs); returns the talk."""
        wanted = {
            "title": record.title,
            "type": types[_key(record.type)],
            "abstract": record.abstract,
            "start": record.start,
            "end": record.end,
            "room": rooms[_key(record.room)] if record.room else None,
            "status": imported_status(record, talk, self.result.warnings),
        }
        if record.unscheduled:  # the length it takes once placed
            wanted["duration"] = record.duration
        if record.track is not None:  # None: the file says nothing about tracks
            wanted["track"] = tracks[_key(record.track)] if record.track else None
        wanted_speakers = [speakers[name_key(name)] for name in record.speakers]
        if talk is None:
            talk = Talk(
                conference=self.conference, slug=record.slug or self._new_slug(record), **wanted
            )
            self.new_talks.append((talk, wanted_speakers, record.resources or []))
            self.result.created.append(label(talk))
            self._note_unscheduled(record, talk)
            return talk

        if record.slug:  # the organiser's slug column renames a talk found by title and start
            wanted["slug"] = record.slug
        changed = [name for name in wanted if getattr(talk, name) != wanted[name]]
        if [link.speaker_id for link in talk.speaker_ids_links] != [s.pk for s in wanted_speakers]:
            changed.append("speakers")
        if merge_resources(talk, record.resources or []):
            changed.append("resources")
        if not changed:
            self.result.unchanged.append(label(talk))
            self._note_unscheduled(record, talk)
            return talk
        was_unscheduled = talk.start is None
        for name, value in wanted.items():
            setattr(talk, name, value)
        talk.save(force_update=True)  # never again a talk deleted since the check
        if "speakers" in changed:
            talk.speaker_links.all().delete()
            self._set_speakers(talk, wanted_speakers)
        self.result.updated.append(f"{label(talk)} (changed: {', '.join(changed)})")
        self._note_unscheduled(record, talk)
        if note := placing_note(talk, was_unscheduled):
            self.result.warnings.append(note)
        return talk

    def _note_unscheduled(self, record, talk):
        if record.unscheduled:
            self.result.unscheduled.append(label(talk))

    def _new_slug(self, record):
        # Slugs given in the file are kept free for their own rows (in talk_slugs).
        slug = _free_slug(
            record.title, Talk, "talk", self.talk_slugs.__contains__, self.slug_numbers
        )
        self.talk_slugs.add(slug)
        return slug

    def _create_new_talks(self):
        """The new talks, then their speakers and resources: a few queries for all of them,
        where one talk at a time took most of a large import's time (bench_import.py)."""
        Talk.objects.bulk_create([talk for talk, _, _ in self.new_talks], batch_size=BATCH)
        TalkSpeaker.objects.bulk_create(
            [
                TalkSpeaker(talk=talk, speaker=speaker, position=position)
                for talk, speakers, _ in self.new_talks
                for position, speaker in enumerate(speakers)
            ],
            batch_size=BATCH,
        )
        Resource.objects.bulk_create(
            [
                Resource(
                    talk=talk,
                    kind=record.kind,
                    url=record.url,
                    title=record.title,
                    position=position,
                )
                for talk, _, records in self.new_talks
                # One URL once, with the last kind and title given, as merge_resources does.
                for position, record in enumerate({r.url: r for r in records}.values())
            ],
            batch_size=BATCH,
        )

    @staticmethod
    def _set_speakers(talk, speakers):
        TalkSpeaker.objects.bulk_create(
            TalkSpeaker(talk=talk, speaker=speaker, position=position)
            for position, speaker in enumerate(speakers)
        )


def _key(text):
    """Names that slugify alike are one room, type or track."""
    return slugify(text) or name_key(text)


def _slugified(text, model):
    return slugify(text)[: model._meta.get_field("slug").max_length].strip("-")


def _free_slug(text, model, fallback, taken, tried=None):
    """The slugified text, or with -2, -3... when taken; ``fallback`` when nothing is left.

    ``tried`` (base -> the last number taken), kept across the calls of one import, starts
    each base where the last call stopped: 27,000 talks called "Break" then cost 27,000
    lookups, not 364 million (each counting up from 1 again)."""
    limit = model._meta.get_field("slug").max_length
    base = _slugified(text, model) or fallback
    tried = {} if tried is None else tried
    number = tried.get(base, 1)
    candidate = base if number == 1 else _numbered(base, number, limit)
    while taken(candidate):
        number += 1
        candidate = _numbered(base, number, limit)
    tried[base] = number
    return candidate


def _numbered(base, number, limit):
    suffix = f"-{number}"
    return f"{base[: limit - len(suffix)]}{suffix}"

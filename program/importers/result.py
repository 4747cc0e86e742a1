"""What an import did, or would do in a dry run: ImportResult, listed by section on the
admin's preview and printed by ``import_schedule``."""

from dataclasses import dataclass, field

from program.models.editions import Conference


@dataclass
class ImportResult:
    conference: Conference
    conference_created: bool
    dry_run: bool
    created: list[str] = field(default_factory=list)  # talk labels
    updated: list[str] = field(default_factory=list)  # label and what changed
    unchanged: list[str] = field(default_factory=list)
    # Talks the file leaves without a time (created, updated or unchanged): drafts waiting.
    unscheduled: list[str] = field(default_factory=list)
    rooms_created: list[str] = field(default_factory=list)
    speakers_created: list[str] = field(default_factory=list)
    speakers_updated: list[str] = field(default_factory=list)
    types_created: list[str] = field(default_factory=list)
    tracks_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def edition_line(self):
        conference = self.conference
        line = f"Edition {conference.slug} “{conference.name}”"
        if not self.conference_created:
            return f"{line}."
        return (
            f"{line}: created ({conference.start_date} to {conference.end_date}, "
            f"{conference.timezone}, published, not current)."
        )

    def counts_line(self):
        line = (
            f"Talks: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )
        if not self.unscheduled:
            return f"{line}."
        count = len(self.unscheduled)
        waiting = "1 talk waits" if count == 1 else f"{count} talks wait"
        return f"{line}; {waiting} unscheduled, as drafts until placed."

    def sections(self):
        """(heading, items) for each non-empty list, in reading order."""
        sections = (
            ("Created talks", self.created),
            ("Updated talks", self.updated),
            ("Unchanged talks", self.unchanged),
            ("Unscheduled talks (drafts until placed)", self.unscheduled),
            ("Rooms created", self.rooms_created),
            ("Speakers created", self.speakers_created),
            ("Speakers updated", self.speakers_updated),
            ("Talk types created", self.types_created),
            ("Tracks created", self.tracks_created),
            ("Warnings", self.warnings),
        )
        return [(heading, items) for heading, items in sections if items]

    def summary_lines(self):
        """What the command prints; the admin page shows the same parts."""
        lines = [
            "Dry run: nothing was changed. A real import would do this:"
            if self.dry_run
            else "Imported:",
            self.edition_line(),
            self.counts_line(),
        ]
        for heading, items in self.sections():
            lines.append(f"{heading}:")
            lines += [f"  {item}" for item in items]
        return lines

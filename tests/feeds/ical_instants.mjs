// The UTC instants ical.js (Mozilla's iCalendar library, Thunderbird's) reads in calendar
// files: `node tests/feeds/ical_instants.mjs FILE.ics [MORE.ics ...]` prints, for the last
// file, {"<SUMMARY>": ["<start>", "<end>"]} as ISO 8601 UTC strings. The VTIMEZONEs of the
// files are registered in order, the first definition of a TZID kept, as calendar apps that
// read several calendars do. Used by tests/feeds/test_ical_dst.py.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

let instants = {};
for (const path of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    if (!ICAL.TimezoneService.has(zone.getFirstPropertyValue("tzid"))) {
      ICAL.TimezoneService.register(new ICAL.Timezone(zone));
    }
  }
  instants = {};
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    instants[event.summary] = [event.startDate, event.endDate].map((time) =>
      new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z"),
    );
  }
}
process.stdout.write(JSON.stringify(instants));

"""How times read on the site: always in the conference's timezone, always labelled."""


def clock(moment):
    """'9:00' for 09:00 and 21:00 (the AM/PM marker is added by the caller)."""
    return f"{moment.hour % 12 or 12}:{moment:%M}"


def time_range(start, end):
    """'9:00–9:25 AM PDT', or '11:30 AM–12:30 PM PDT' when the range crosses noon.

    Both ends must already be in the conference's timezone.
    """
    start_marker, end_marker = f"{start:%p}", f"{end:%p}"
    if start_marker == end_marker and start.date() == end.date():
        return f"{clock(start)}–{clock(end)} {end_marker} {end:%Z}"
    return f"{clock(start)} {start_marker}–{clock(end)} {end_marker} {end:%Z}"


def day_heading(day):
    """'Monday, May 18'."""
    return f"{day:%A, %B} {day.day}"


def moment_label(moment):
    """'Monday, May 18, 9:00 AM PDT' for a time in the conference's timezone."""
    return f"{day_heading(moment)}, {clock(moment)} {moment:%p %Z}"

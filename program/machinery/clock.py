"""What time it is, for the pages that depend on it (now and next).

One function, looked up at each call (``clock.now()``), so tests set the clock by patching
``program.machinery.clock.now``.
"""

from django.utils import timezone


def now():
    """The current moment: an aware datetime in UTC."""
    return timezone.now()

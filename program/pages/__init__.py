"""The public pages, one module per page family, with the presenters only they use (listing:
the program's and speakers' rows; timetable: the grid). URLs are in program/urls.py."""

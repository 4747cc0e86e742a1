"""English date formats with the timezone named: the admin shows every date and time in the
active timezone (a talk's pages in its edition's), and "9 a.m." alone could be any zone's.

Django's own English formats otherwise (django/conf/locale/en/formats.py); FORMAT_MODULE_PATH
in conference/settings.py points here.
"""

DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"

"""No private link's secret in a log line: settings.LOGGING filters its console handler
through ``HideSecrets``, and gunicorn.conf.py's access log goes through ``hide_in_path``
(deploy/nginx.conf's does the same with a map). Imports no model (logging is configured
before apps are ready) and nothing of Django (gunicorn's master reads it).
"""

import logging
import re

# A speaker's private link, /<edition>/speaker/<token>/ (program/urls.py), anywhere in a
# text such as a request line: the token (43 characters; a mistyped one may be longer or
# shorter) is group 2. Not the admin's /admin/program/speaker/<id>/.
SECRET_IN_PATH = re.compile(r"(/[^/?#\s]+/speaker/)([^/?#\s]{20,})")


def hide_in_path(text):
    """``text`` with the token of every private link's path in it replaced by ``<secret>``."""
    return SECRET_IN_PATH.sub(r"\1<secret>", text)


def is_private(request):
    """Whether ``request`` resolved to a view wrapped in ``private``."""
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "private", False)


class HideSecrets(logging.Filter):
    """Log lines with a private link's secret (Django's "Not Found: <path>", the CSRF
    check's "Forbidden (...): <path>"), the URL's ``token`` of a private view and any path
    like one (``SECRET_IN_PATH``), replaced by ``<secret>``: the log is read by more people
    than the link is for."""

    def filter(self, record):
        if not isinstance(record.args, tuple):
            return True
        request = getattr(record, "request", None)
        secret = request.resolver_match.kwargs.get("token") if is_private(request) else None
        record.args = tuple(
            hide_in_path(arg.replace(secret, "<secret>") if secret else arg)
            if isinstance(arg, str)
            else arg
            for arg in record.args
        )
        return True

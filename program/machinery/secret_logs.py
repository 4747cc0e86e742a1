"""No private link's secret in a log line: settings.LOGGING filters its console handler
through ``HideSecrets``, and gunicorn.conf.py's access log goes through ``hide_in_path``
(deploy/nginx.conf's does the same with a map). Imports no model (logging is configured
before apps are ready) and nothing of Django (gunicorn's master reads it).
"""

import logging
import re

# A speaker's private link, /<edition>/speaker/<token>/ (program/urls.py), anywhere in a
# text such as a request line: the token is group 2.
SECRET_IN_PATH = re.compile(r"(/[^/?#\s]+/speaker/)([^/?#\s]+)")


def hide_in_path(text):
    """``text`` with the token of every private link's path in it replaced by ``<secret>``."""
    return SECRET_IN_PATH.sub(r"\1<secret>", text)


def is_private(request):
    """Whether ``request`` resolved to a view wrapped in ``private``."""
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "private", False)


class HideSecrets(logging.Filter):
    """Log lines about a private view's request (Django's "Not Found: <path>", the CSRF
    check's "Forbidden (...): <path>") with its secret, the URL's ``token``, replaced by
    ``<secret>``: the log is read by more people than the link is for."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and is_private(request) and isinstance(record.args, tuple):
            secret = request.resolver_match.kwargs.get("token")  # the URL's secret part
            if secret:
                record.args = tuple(
                    arg.replace(secret, "<secret>") if isinstance(arg, str) else arg
                    for arg in record.args
                )
        return True

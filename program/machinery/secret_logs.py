"""No private link's secret in a log line: settings.LOGGING filters its console handler
through ``HideSecrets``. Imports no model: logging is configured before apps are ready."""

import logging


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

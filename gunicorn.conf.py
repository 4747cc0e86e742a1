"""gunicorn's settings for production (`make prod`; docs/operators/deploy.md), read from the
environment.

WEB_CONCURRENCY  worker processes (default 2; about one per core: each answers one request
                 at a time, and a page is CPU work)
PORT             the port on 127.0.0.1 (default 8000)

gunicorn listens on 127.0.0.1 only: clients reach it through the front proxy on the same
machine (`make proxy`, deploy/nginx.conf). A sync worker reads one request at a time, so a
client sending its headers a byte a second would hold a worker; nginx reads each request
whole first and drops such clients.
"""

import os

from gunicorn.glogging import Logger

from program.machinery.secret_logs import hide_in_path

wsgi_app = "conference.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# A request taking longer than this is stuck (the largest feed builds in about 2 s): its
# worker is killed and replaced rather than lost to every other reader.
timeout = 30
# One line per request on standard output, for the service manager's log.
accesslog = "-"


class SecretHidingLogger(Logger):
    """gunicorn's logger, with a speaker's private link shown as /<edition>/speaker/<secret>/
    in the access log (the log is read by more people than the link is for)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line, its path, the Referer, and each of them as a header or environ
        # atom ("{raw_uri}e"), whichever a format names.
        return {
            key: hide_in_path(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = SecretHidingLogger

# nginx bounds requests itself and answers its refusals in the site's form (JSON under
# /api/); gunicorn's own would be plain text or HTML. So gunicorn takes all that nginx
# passes: a request line of up to 8 KB (8190 is gunicorn's largest), header lines of up to
# 8 KB (to which nginx adds X-Forwarded-For's last hop), and as many headers as fit in
# nginx's buffers (32768 is gunicorn's largest count; its default is 100).
limit_request_line = 8190
limit_request_field_size = 16384
limit_request_fields = 32768
# gunicorn would take SCRIPT_NAME and PATH_INFO from request headers of that name (sent
# from forwarded_allow_ips, 127.0.0.1 by default: any local client). The site is served at
# the root: with none listed, such headers are dropped (header_map "drop").
forwarder_headers = ""

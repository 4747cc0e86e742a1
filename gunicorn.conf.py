"""gunicorn's settings for production (`make prod`; README "Deploy"), read from the environment.

WEB_CONCURRENCY  worker processes (default 2; about one per core: each answers one request
                 at a time, and a page is CPU work)
HOST, PORT       the address to listen on (default 127.0.0.1:8000, behind a proxy on the same
                 machine; HOST=0.0.0.0 when a load balancer on another machine connects)
"""

import os

wsgi_app = "conference.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# A request taking longer than this is stuck (the largest feed builds in about 2 s): its
# worker is killed and replaced rather than lost to every other reader.
timeout = 30
# One line per request on standard output, for the service manager's log.
accesslog = "-"

"""Django's session middleware, leaving alone the answers that never read the session.

Django deletes a session cookie naming no session (made-up, expired) and adds ``Vary:
Cookie`` to whatever answer carried it, public pages included: a shared answer would then
set a cookie and vary by every visitor's cookie, which neither a proxy nor a browser's
shared copy may keep. An answer built without reading the session (every public page,
feed and API answer, from the shared cache or not: machinery/responses.py) is the same for
any cookie, so it goes out as it is; the cookie is dealt with by the next answer that
reads the session (the admin's).
"""

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not (session.accessed or session.modified):
            return response
        return super().process_response(request, response)

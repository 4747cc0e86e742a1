"""What every way of serving the site (WSGI, ASGI, runserver) checks before it starts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY to a long random string "
    '(for example the output of `python -c "import secrets; '
    'print(secrets.token_urlsafe(50))"`), or set DJANGO_DEBUG=1 for development.'
)


def require_secret_key():
    """Stop start-up when debug is off and no secret key was given (settings leave it empty)."""
    try:
        missing = not settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        missing = True
    if missing:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)

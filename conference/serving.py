"""What every way of serving the site (WSGI, ASGI, runserver) checks before it starts."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Django's own rule (`check --deploy`, security.W009): a key that signs sessions and password
# reset links must be long enough that it cannot be guessed.
SECRET_KEY_MIN_LENGTH = 50
HOW_TO_MAKE_A_KEY = (
    'for example the output of `python -c "import secrets; print(secrets.token_urlsafe(50))"`'
)
MISSING_SECRET_KEY = (
    "DJANGO_SECRET_KEY is not set. Set DJANGO_SECRET_KEY to a long random string "
    f"({HOW_TO_MAKE_A_KEY}), or set DJANGO_DEBUG=1 for development."
)
SHORT_SECRET_KEY = (
    "DJANGO_SECRET_KEY is {length} characters long; it must have at least "
    f"{SECRET_KEY_MIN_LENGTH} ({HOW_TO_MAKE_A_KEY})."
)


def require_secret_key():
    """Stop start-up when debug is off and the secret key is missing (settings leave it
    empty) or shorter than ``SECRET_KEY_MIN_LENGTH`` characters."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
    if not settings.DEBUG and len(key) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(SHORT_SECRET_KEY.format(length=len(key)))

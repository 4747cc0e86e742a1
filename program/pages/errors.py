"""The error pages: JSON under the API, the site's pages elsewhere (conference/urls.py names
them as Django's handlers).
"""

from django.db import DatabaseError
from django.http import HttpResponseNotFound, JsonResponse
from django.template import loader
from django.views import defaults

from program.models import Conference


def page_not_found(request, exception):
    """The 404 page; under an edition's address it keeps that edition's header and footer.

    Rendered without the view's context, so the edition is found from the path's first
    part (one query, which the yearly menu needs anyway). A database that does not answer
    still gives the plain page.
    """
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    try:
        editions = list(Conference.objects.published())
    except DatabaseError:
        editions = None
    first_part = request.path.lstrip("/").split("/", 1)[0]
    conference = next((edition for edition in editions or [] if edition.slug == first_part), None)
    context = {"request_path": request.path, "conference": conference, "editions": editions}
    body = loader.render_to_string("404.html", context, request)
    return HttpResponseNotFound(body)


API_PREFIX = "/api/"


def server_error(request):
    """500: JSON for the API (its clients parse every answer), the site's page otherwise."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Server error: it has been logged."}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    """400 for what Django refuses before any view (a forged Host, a broken multipart body):
    JSON for the API, the plain page otherwise."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)

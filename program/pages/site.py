"""Pages outside any edition: redirects to an edition, photos in development (the health check
is program/machinery/health.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.static import serve

from program.models import Conference
from program.photos import STORED_NAME


def serve_media(request, path, document_root):
    """Speaker photos for the development server (``make serve``; production serves them from
    the front proxy or a bucket, docs/operators/photos.md).

    Only names the site itself wrote are served, always as JPEG whatever the file holds,
    so nothing placed in the folder by other means can be served as a page or a script.
    """
    if not STORED_NAME.fullmatch(path):
        raise Http404("Not a stored photo.")
    response = serve(request, path, document_root=document_root)
    response.headers["Content-Type"] = "image/jpeg"
    return response


def redirect_into(conference, rest, request):
    """302 to ``rest`` under the edition, keeping the query string."""
    url = f"/{conference.slug}/{rest}"
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


def current_edition_redirect(request, rest="program/"):
    conference = get_object_or_404(Conference.objects.published(), is_current=True)
    return redirect_into(conference, rest, request)


def edition_redirect(request, edition):
    """An edition's address without a page (/2026/, /2026 and /2026/talks/) is its program."""
    conference = get_object_or_404(Conference.objects.published(), slug=edition)
    return redirect_into(conference, "program/", request)

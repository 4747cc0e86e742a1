"""The admin's "View on site" (``/admin/r/<content type>/<id>/``), in place of Django's
``contenttypes.views.shortcut``, which sends any staff user to any object's
``get_absolute_url()``: a draft's address, or an unpublished edition's, for anyone logged in
to the admin to collect by counting through the ids.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect

from program.admin.base import row_id
from program.visibility import may_preview, site_url


def view_on_site(request, content_type_id, object_id):
    """302 to the page that shows the object, for a user who may see it there; else 404.

    Public objects (visibility.site_url with ``preview`` False) go to their public page.
    Otherwise the user must be allowed to view the object in the admin (its ModelAdmin's
    view permission) and to preview the site (visibility.may_preview): then to the page
    they see marked "Not public". Anything else, and an unknown type or id, is 404 alike,
    so the answer tells nobody what exists.
    """
    pk = row_id(unquote(object_id))
    try:  # only models the admin shows
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model) if model is not None else None
    except (ContentType.DoesNotExist, NotRegistered):
        model_admin = None
    if model_admin is None or pk is None:
        raise Http404("Nothing to view on the site.")
    obj = model_admin.get_queryset(request).filter(pk=pk).first()
    if obj is None:
        raise Http404("Nothing to view on the site.")
    url = site_url(obj, preview=False)
    if url is None and model_admin.has_view_permission(request, obj) and may_preview(request.user):
        url = site_url(obj, preview=True)
    if url is None:
        raise Http404("Nothing to view on the site.")
    # Absolute, on the host the admin was reached at, as Django's shortcut answers.
    return HttpResponseRedirect(request.build_absolute_uri(url))

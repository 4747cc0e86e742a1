from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from program.admin.site import view_on_site
from program.pages.site import serve_media

urlpatterns = [
    # The import page's address before the talk admin mounted it (bookmarks): before
    # admin.site.urls, whose catch-all would otherwise answer it.
    path(
        f"{settings.ADMIN_PATH}program/import/",
        RedirectView.as_view(pattern_name="admin:program_talk_import", permanent=True),
    ),
    # "View on site": only to a page the user may see (program/admin/site.py), in place of
    # the admin's own route of the same address (admin:view_on_site still names it).
    path(
        f"{settings.ADMIN_PATH}r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("program.api.urls")),
    # Uploaded photos, with debug on only (make serve): the front proxy serves them otherwise.
    *static(settings.MEDIA_URL, view=serve_media, document_root=settings.MEDIA_ROOT),
    path("", include("program.urls")),
]

# Under an edition's address, the 404 page keeps that edition's header.
handler404 = "program.pages.errors.page_not_found"
# The API answers JSON whatever goes wrong (program/pages/errors.py).
handler400 = "program.pages.errors.bad_request"
handler500 = "program.pages.errors.server_error"

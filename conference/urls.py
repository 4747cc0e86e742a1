from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from program.admin_import import import_schedule_view
from program.pages.site import serve_media

urlpatterns = [
    # Before admin.site.urls, whose catch-all would otherwise answer this path.
    path(
        f"{settings.ADMIN_PATH}program/import/",
        admin.site.admin_view(import_schedule_view),
        name="import-schedule",
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

from django.contrib import admin
from django.urls import include, path

from program.admin_import import import_schedule_view

urlpatterns = [
    # Before admin.site.urls, whose catch-all would otherwise answer this path.
    path(
        "admin/program/import/",
        admin.site.admin_view(import_schedule_view),
        name="import-schedule",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("program.api.urls")),
    path("", include("program.urls")),
]

# Under an edition's address, the 404 page keeps that edition's header.
handler404 = "program.views.page_not_found"

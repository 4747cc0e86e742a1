"""/api/v1/ (the resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served by us)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from program.api import views

router = DefaultRouter()
router.include_format_suffixes = False
router.APIRootView = views.ApiRootView
router.register("conferences", views.ConferenceViewSet, basename="conference")
router.register("talks", views.TalkViewSet, basename="talk")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("tracks", views.TrackViewSet, basename="track")
router.register("sessions", views.SessionViewSet, basename="session")

app_name = "api"


def not_found(request, unknown_path):
    """API clients get JSON, as DRF's errors, for a URL that names nothing: /api/ itself
    and, e.g., /api/v1/talks/1.5/.

    Only /api/ and paths ending in a slash: others still get CommonMiddleware's redirect
    to one (/api/v1/talks to /api/v1/talks/), and then this answer if it names nothing.
    """
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^(?P<unknown_path>(?:[\s\S]*/)?)$", not_found),
]

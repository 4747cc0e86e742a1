"""/api/v1/ (the resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served by us)."""

from django.urls import include, path
from django.views.decorators.cache import cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from program.api import views
from program.api.views import CACHE_SECONDS

router = DefaultRouter()
router.include_format_suffixes = False
router.register("conferences", views.ConferenceViewSet, basename="conference")
router.register("talks", views.TalkViewSet, basename="talk")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("rooms", views.RoomViewSet, basename="room")

cached = cache_control(public=True, max_age=CACHE_SECONDS)

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", cached(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", cached(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
]

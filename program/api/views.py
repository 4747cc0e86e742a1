"""Read-only viewsets of the JSON API (docs/api/json.md)."""

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from program.api import schema
from program.api.change_serializers import ChangeSerializer, ReleaseSerializer
from program.api.filters import (
    DEFAULT_TALK_ORDERING,
    ApiTalkFilter,
    ChangesFilter,
    RoomFilter,
    SessionFilter,
    SpeakerFilter,
    TrackFilter,
    speaker_ids,
)
from program.api.pagination import ApiPagination
from program.api.serializers import (
    ConferenceSerializer,
    NowSerializer,
    RoomSerializer,
    SessionSerializer,
    SpeakerSerializer,
    TalkSerializer,
    TrackSerializer,
    talk_rows,
    with_related,
    with_talk_ids,
)
from program.changes import describe_changes, edition_changes
from program.filters import NowFilter
from program.links import slug_url
from program.machinery.responses import cached
from program.models import Conference, Room, Session, Speaker, Talk, Track
from program.now import (
    State,
    a_minute,
    by_room,
    current_minute,
    edition_schedule,
    now_and_next,
    seconds_left_in_minute,
)
from program.outputs import download_filename

CACHE_SECONDS = 60


class PublicReadMixin:
    """A read-only resource: a method it does not offer answers 405 (with ``Allow``) before
    authentication, permissions or the session's CSRF check could answer 403; successful
    reads may be kept by any cache for a minute (or ``cache_seconds``); errors and 429s may
    not."""

    cache_seconds = CACHE_SECONDS

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and 200 <= response.status_code < 300:
            patch_cache_control(response, public=True, max_age=self.cache_seconds)
        return response


class ApiRootView(PublicReadMixin, routers.APIRootView):
    """Links to the resources of the API, its schema and documentation, and the current
    edition's now and changes (``null`` while no edition is current)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        current = (
            Conference.objects.published()
            .filter(is_current=True)
            .values_list("slug", flat=True)
            .first()
        )
        response.data["schema"] = reverse("api:schema", request=request)
        response.data["docs"] = reverse("api:docs", request=request)
        for name in ("now", "changes"):
            response.data[name] = current and reverse(
                f"api:conference-{name}", kwargs={"edition": current}, request=request
            )
        return response


class SchemaView(PublicReadMixin, SpectacularAPIView):
    def _get_filename(self, request, version):
        # drf-spectacular writes ?version= into Content-Disposition as it comes.
        return download_filename(super()._get_filename(request, version))


class DocsView(PublicReadMixin, SpectacularSwaggerSplitView):
    """Swagger UI; its settings script is a separate file (?script), not inline."""

    title = "API documentation · Conference program"

    def options(self, request, *args, **kwargs):
        """The methods, as every page answers OPTIONS (DRF's own answer is its metadata
        rendered through the page's template, which expects other data)."""
        return HttpResponse(headers={"Allow": ", ".join(self.allowed_methods)})


class PublicReadOnlyViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Anyone reads; writing needs model permissions, and even then no write method exists.

    Every query parameter must be known, so a misspelt filter (``?typ=keynote``) answers 400
    instead of silently returning everything.
    """

    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = None

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """Every read is answered from the shared cache while the data is unchanged
        (program/machinery/responses.py), the query as given (unknown parameters answer 400); the
        throttle counts answers from the cache too. "now" depends on the clock: it is kept
        for its minute."""
        view = super().as_view(actions, **initkwargs)
        period = a_minute if "now" in (actions or {}).values() else None
        return cached(view, exact_query=True, period=period, admit=cls.throttles_admit)

    @classmethod
    def throttles_admit(cls, request):
        return all(throttle().allow_request(request, None) for throttle in cls.throttle_classes)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in str(value) for value in kwargs.values()):
            raise NotFound()
        self.check_query_parameters(request)

    def known_parameters(self):
        known = {api_settings.URL_FORMAT_OVERRIDE}
        if self.action == "retrieve":
            return known
        if self.paginator is not None:
            known |= {self.paginator.page_query_param, self.paginator.page_size_query_param}
        if self.filterset_class is not None:
            known |= set(self.filterset_class.base_filters)
        return known

    def valid_filterset(self, queryset, **kwargs):
        """The action's filterset on ``queryset``; 400 naming each bad parameter."""
        filterset = self.filterset_class(
            self.request.query_params, queryset, request=self.request, **kwargs
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    def check_query_parameters(self, request):
        known = self.known_parameters()
        errors = {}
        for name, values in request.query_params.lists():
            if name not in known:
                errors[name] = [
                    f"Unknown parameter; the known ones are {', '.join(sorted(known))}."
                ]
            elif any("\x00" in value for value in values):
                errors[name] = ["Null characters are not allowed."]
        if errors:
            raise ValidationError(errors)

    def filter_queryset(self, queryset):
        # Filters choose what a list holds; a single resource is found by its key alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        last_modified = self.last_modified(instance)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return response

    def last_modified(self, instance):
        """When the representation of ``instance`` last changed, if every part of it says."""
        return None


@schema.conference_views
class ConferenceViewSet(PublicReadOnlyViewSet):
    """Published editions, newest first."""

    queryset = Conference.objects.published().order_by("-start_date", "slug")
    serializer_class = ConferenceSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "edition"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def last_modified(self, conference):
        return conference.updated_at

    @schema.now_action
    @action(detail=True, filterset_class=NowFilter, pagination_class=None)
    def now(self, request, edition=None):
        """Per room, the talk in progress and the next one (the /<edition>/now/ page)."""
        conference = self.get_object()
        scheduled = Talk.objects.scheduled().filter(conference=conference)
        filterset = self.valid_filterset(scheduled, conference=conference)
        at = filterset.form.cleaned_data["at"]
        if at is None:
            at = current_minute()
            self.cache_seconds = seconds_left_in_minute(at)
        schedule = edition_schedule(conference)
        state = schedule.state(conference, at)
        rooms = []
        if state != State.OVER:
            talks = now_and_next(filterset.qs, at).order_by(*DEFAULT_TALK_ORDERING)
            rooms = by_room(
                conference.rooms.all(),
                with_related(list(talk_rows(talks))),
                room_slug=lambda row: row["public_room__slug"],
                is_now=lambda row: row["public_start"] <= at,
            )
        board = {
            "conference": conference,
            "at": at,
            "state": state,
            "schedule": schedule,
            "rooms": rooms,
        }
        return Response(NowSerializer(board, context=self.get_serializer_context()).data)

    @schema.changes_action
    @action(detail=True, filterset_class=ChangesFilter)
    def changes(self, request, edition=None):
        """Talks added, moved, cancelled, reinstated, removed and deleted, newest first."""
        conference = self.get_object()
        filterset = self.valid_filterset(Talk.objects.none())
        rows = self.paginate_queryset(
            edition_changes(conference, since=filterset.form.cleaned_data["since"])
        )
        changes = describe_changes(
            rows, conference, talk_url=slug_url("program:talk-detail", conference.slug)
        )
        context = {**self.get_serializer_context(), "timezone": conference.tzinfo}
        return self.get_paginated_response(
            ChangeSerializer(changes, many=True, context=context).data
        )

    @schema.releases_action
    @action(detail=True, pagination_class=None)
    def releases(self, request, edition=None):
        """The edition's releases, newest first (none unless it holds changes)."""
        conference = self.get_object()
        releases = conference.releases.order_by("-number")
        return Response(ReleaseSerializer(releases, many=True).data)


@schema.talk_views
class TalkViewSet(PublicReadOnlyViewSet):
    """Published and cancelled talks of published editions; drafts never appear."""

    # Rows rather than instances: a page holds up to 500 talks (see TalkSerializer).
    queryset = talk_rows(Talk.objects.published().order_by(*DEFAULT_TALK_ORDERING))
    serializer_class = TalkSerializer
    filterset_class = ApiTalkFilter

    def paginate_queryset(self, queryset):
        return with_related(super().paginate_queryset(queryset))

    def get_object(self):
        return with_related([super().get_object()])[0]


@schema.speaker_views
class SpeakerViewSet(PublicReadOnlyViewSet):
    """People who give at least one public talk, by name."""

    queryset = (
        Speaker.objects.filter(pk__in=speaker_ids(Talk.objects.published()))
        .prefetch_related(
            Prefetch(
                "talks",
                queryset=Talk.objects.published()
                .select_related("conference")
                .only("conference__slug", "conference__start_date")
                .order_by("public_start", "id"),
                to_attr="public_talks",
            )
        )
        .order_by("name", "slug")
    )
    serializer_class = SpeakerSerializer
    filterset_class = SpeakerFilter


@schema.room_views
class RoomViewSet(PublicReadOnlyViewSet):
    """Rooms of public talks: newest edition first, then in display order."""

    queryset = (
        Talk.objects.published()
        .rows_used(Room.objects.all())
        .select_related("conference")
        .order_by("-conference__start_date", "conference__slug", "position", "name", "id")
    )
    serializer_class = RoomSerializer
    filterset_class = RoomFilter

    def last_modified(self, room):
        return max(room.updated_at, room.conference.updated_at)


@schema.track_views
class TrackViewSet(PublicReadOnlyViewSet):
    """Tracks of public talks: newest edition first, then by name."""

    queryset = (
        Talk.objects.published()
        .rows_used(Track.objects.all())
        .select_related("conference")
        .order_by("-conference__start_date", "conference__slug", "name", "id")
    )
    serializer_class = TrackSerializer
    filterset_class = TrackFilter

    def last_modified(self, track):
        return max(track.updated_at, track.conference.updated_at)


@schema.session_views
class SessionViewSet(PublicReadOnlyViewSet):
    """Sessions of published editions: newest edition first, then in time order."""

    queryset = (
        Session.objects.filter(conference__is_published=True)
        .select_related("conference", "room")
        .prefetch_related(Prefetch("chairs", queryset=Speaker.objects.order_by("name", "pk")))
        .order_by("-conference__start_date", "conference__slug", "start", "room__position", "id")
    )
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def paginate_queryset(self, queryset):
        return with_talk_ids(super().paginate_queryset(queryset))

    def get_object(self):
        return with_talk_ids([super().get_object()])[0]

"""What the OpenAPI document says beyond what drf-spectacular finds by itself.

Error responses, examples, and enums read from the database when the schema is served
(talk types and editions are rows that organisers add in admin).
"""

from django.db.models import SlugField
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import get_view_model
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from program.agenda import AGENDA_CODE_PATTERN
from program.api.change_serializers import ChangeSerializer, ReleaseSerializer
from program.api.serializers import (
    ConferenceSerializer,
    NowSerializer,
    RoomSerializer,
    SessionSerializer,
    SpeakerSerializer,
    TalkSerializer,
    TrackSerializer,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# Free text (``q``): any characters but NUL, which the API refuses (PostgreSQL cannot store it).
TEXT_PATTERN = r"^[^\x00]*$"
# A day (``day``): the first and last dates of the calendar have no bounds in every timezone.
DAY_PATTERN = r"^(?!0001-01-01$|9999-12-31$)"


class ProgramFilterExtension(DjangoFilterExtension):
    """Types slug parameters as slugs, and lists the current values of small tables.

    A model-choice filter takes the field it is chosen by (``to_field_name``), which
    drf-spectacular cannot find through a lookup path such as ``room__slug``. A FilterSet
    names in ``schema_enums`` the parameters whose every value the schema lists.
    """

    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        # An action of one resource may filter another (an edition's now and next talks):
        # its filterset's own model describes the parameters.
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is None or filterset_class._meta.model is get_view_model(
            auto_schema.view
        ):
            return super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        model = filterset_class._meta.model
        return [
            parameter
            for name, field in filterset_class.base_filters.items()
            for parameter in self.resolve_filter_field(
                auto_schema, model, filterset_class, name, field
            )
        ]

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        max_length = filter_field.extra.get("max_length")
        if max_length is not None:  # a longer value answers 400 (``q``)
            for parameter in parameters:
                parameter["schema"]["maxLength"] = max_length
        if field_name in getattr(filterset_class, "schema_enums", ()):
            values = sorted(
                filter_field.queryset.values_list(filter_field.extra["to_field_name"], flat=True)
            )
            for parameter in parameters:
                schema = parameter["schema"]
                if schema.get("format") == "date":
                    schema["pattern"] = DAY_PATTERN
                if parameter["name"] == "talks":
                    schema["pattern"] = AGENDA_CODE_PATTERN
                if values:  # OpenAPI forbids an empty enum
                    schema.get("items", schema)["enum"] = values
                    schema.get("items", schema).pop("pattern", None)
        return parameters

    def _get_schema_from_model_field(self, auto_schema, filter_field, model):
        to_field_name = filter_field.extra.get("to_field_name")
        if to_field_name and getattr(filter_field, "queryset", None) is not None:
            chosen_by = filter_field.queryset.model._meta.get_field(to_field_name)
            schema = auto_schema._map_model_field(chosen_by, direction=None)
            if isinstance(chosen_by, SlugField):
                # What no slug can be (a space, NUL...) is refused before any lookup.
                schema["pattern"] = SLUG_PATTERN
            return schema
        return super()._get_schema_from_model_field(auto_schema, filter_field, model)


def declare_query_values(result, generator, request, public):
    """drf-spectacular postprocessing hook: what every query parameter accepts.

    An empty value (``?track=``) means no filter, for every parameter alike
    (``allowEmptyValue``), free text may hold any character but NUL, a day is any date but
    the calendar's first and last, and ``talks`` is an agenda code's form.
    """
    for operations in result["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                parameter["allowEmptyValue"] = True
                schema = parameter["schema"]
                if schema.get("format") == "date":
                    schema["pattern"] = DAY_PATTERN
                if parameter["name"] == "talks":
                    schema["pattern"] = AGENDA_CODE_PATTERN
                if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(
                    schema
                ):
                    schema["pattern"] = TEXT_PATTERN
    return result


DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
BAD_REQUEST = OpenApiResponse(
    response={
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "minProperties": 1,
                "not": {"required": ["detail"]},
            },
            DETAIL,
        ]
    },
    description="A query parameter is unknown or has an invalid value: each is named with "
    'what is wrong (`{"<parameter>": ["message"]}`). A request Django refuses before '
    'reading it (a forged `Host`) answers `{"detail": "Bad request."}`.',
    examples=[
        OpenApiExample(
            "Misspelt parameter",
            value={"typ": ["Unknown parameter; the known ones are conference, day, format, …"]},
        ),
        OpenApiExample("Unknown value", value={"room": ["ballroom-9 is not a known room."]}),
        OpenApiExample("Null character", value={"q": ["Null characters are not allowed."]}),
        OpenApiExample("Refused request", value={"detail": "Bad request."}),
    ],
)
NOT_FOUND = OpenApiResponse(response=DETAIL, description="No such public resource.")
PAGE_NOT_FOUND = OpenApiResponse(
    response=DETAIL,
    description="No such page: `page` is past the last one "
    '(`{"detail": "Page 4 does not exist: the last page is 3."}`).',
)
THROTTLED = OpenApiResponse(
    response=DETAIL, description="Too many requests from this address: retry later."
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    description="Seconds to wait before the next request.",
    response=[429],
)

TALK_EXAMPLE = OpenApiExample(
    "A talk",
    response_only=True,
    value={
        "id": 3,
        "slug": "lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference",
        "conference": "2026",
        "title": "LMCache: An Efficient KV Cache Layer for Enterprise-Scale LLM Inference",
        "type": {"slug": "invited-talk", "name": "Invited Talk"},
        "abstract": "KV cache has traditionally ...",
        "start": "2026-05-18T09:50:00-07:00",
        "end": "2026-05-18T10:15:00-07:00",
        "duration_minutes": 25,
        "room": {
            "slug": "grand-ballroom-1",
            "name": "Grand Ballroom 1",
            "stream_url": "https://stream.example.org/grand-ballroom-1",
        },
        "track": {"slug": "llm-serving", "name": "LLM Serving", "colour": "#1d4ed8"},
        "speakers": [
            {
                "id": 3,
                "slug": "yuhan-liu",
                "name": "Yuhan Liu",
                "affiliation": "University of Chicago",
            }
        ],
        "status": "published",
        "resources": [
            {"kind": "slides", "url": "https://slides.example.org/lmcache.pdf", "title": ""},
            {"kind": "video", "url": "https://video.example.org/lmcache", "title": "Recording"},
        ],
        "board": "",
        "url": "http://host/2026/talks/lmcache-an-efficient-kv-cache-layer-for-enterprise-scale-llm-inference/",
        "updated_at": "2026-11-28T00:00:00Z",
    },
)
CONFERENCE_EXAMPLE = OpenApiExample(
    "An edition",
    response_only=True,
    value={
        "slug": "2026",
        "name": "MLSys 2026",
        "start_date": "2026-05-18",
        "end_date": "2026-05-22",
        "timezone": "America/Los_Angeles",
        "venue": "Hyatt Regency Bellevue",
        "city": "Bellevue, Washington",
        "url": "http://host/2026/program/",
    },
)
ROOM_EXAMPLE = OpenApiExample(
    "A room",
    response_only=True,
    value={
        "id": 1,
        "slug": "grand-ballroom-1",
        "name": "Grand Ballroom 1",
        "conference": "2026",
        "capacity": 800,
        "position": 0,
        "stream_url": "https://stream.example.org/grand-ballroom-1",
    },
)
TRACK_EXAMPLE = OpenApiExample(
    "A track",
    response_only=True,
    value={
        "id": 1,
        "slug": "llm-serving",
        "name": "LLM Serving",
        "conference": "2026",
        "colour": "#1d4ed8",
        "description": "Caching, batching and scheduling for serving large language models.",
    },
)
SPEAKER_EXAMPLE = OpenApiExample(
    "A speaker",
    response_only=True,
    value={
        "id": 3,
        "slug": "yuhan-liu",
        "name": "Yuhan Liu",
        "affiliation": "University of Chicago",
        "bio": "Yuhan Liu builds systems for serving large language models.",
        "url": "http://host/2026/speakers/yuhan-liu/",
        "photo": {
            "url": "http://host/media/speakers/9f86d081884c7d659a2feaa0c55ad015-640.jpg",
            "width": 640,
            "height": 800,
        },
        "talks": [3],
    },
)
SESSION_EXAMPLE = OpenApiExample(
    "A session",
    response_only=True,
    value={
        "id": 4,
        "title": "Session 3: Systems for LLMs",
        "kind": "talks",
        "room": {"slug": "grand-ballroom-1", "name": "Grand Ballroom 1"},
        "start": "2026-05-18T09:30:00-07:00",
        "end": "2026-05-18T10:30:00-07:00",
        "chairs": [{"id": 7, "slug": "zhihao-jia", "name": "Zhihao Jia"}],
        "talks": [3, 5],
    },
)


def read_only_views(serializer, example, *, list_description, retrieve_description):
    """Document a list and a retrieve action with every response they can give."""
    return extend_schema_view(
        list=extend_schema(
            description=list_description,
            responses={
                200: serializer(many=True),
                400: BAD_REQUEST,
                404: PAGE_NOT_FOUND,
                429: THROTTLED,
            },
            parameters=[RETRY_AFTER],
            examples=[example],
        ),
        retrieve=extend_schema(
            description=retrieve_description,
            responses={200: serializer, 400: BAD_REQUEST, 404: NOT_FOUND, 429: THROTTLED},
            parameters=[RETRY_AFTER],
            examples=[example],
        ),
    )


conference_views = read_only_views(
    ConferenceSerializer,
    CONFERENCE_EXAMPLE,
    list_description="Published editions, newest first.",
    retrieve_description="One published edition, by its slug.",
)
talk_views = read_only_views(
    TalkSerializer,
    TALK_EXAMPLE,
    list_description="Published and cancelled talks of published editions (drafts never "
    "appear), by start time, room and title unless `ordering` says otherwise. Takes the "
    "program page's filters; with `conference`, `day` is a day in that edition's timezone.",
    retrieve_description="One published or cancelled talk.",
)
speaker_views = read_only_views(
    SpeakerSerializer,
    SPEAKER_EXAMPLE,
    list_description="People who give at least one public talk, by name. `talks` lists "
    "all their public talks, whatever `conference` selects.",
    retrieve_description="One speaker of a public talk.",
)
room_views = read_only_views(
    RoomSerializer,
    ROOM_EXAMPLE,
    list_description="Rooms of public talks (a room that only drafts use is not listed): "
    "newest edition first, then in display order.",
    retrieve_description="One room of a public talk.",
)
track_views = read_only_views(
    TrackSerializer,
    TRACK_EXAMPLE,
    list_description="Tracks of public talks (a track that only drafts use is not listed): "
    "newest edition first, then by name. A talk has at most one track; filter talks with "
    "`track`.",
    retrieve_description="One track of a public talk.",
)
session_views = read_only_views(
    SessionSerializer,
    SESSION_EXAMPLE,
    list_description="Sessions of published editions (talks of one room and span under a "
    "title, with their chairs): newest edition first, then in time order. `talks` are the "
    "ids of the public talks a session holds, as in `/talks/`.",
    retrieve_description="One session of a published edition.",
)

now_action = extend_schema(
    description="Per room of the edition, the talk in progress and the next one to start, "
    "at `at` (default: now, to the minute), as on the edition's /now/ page. Cancelled talks "
    "are left out; the program filters (`type`...) apply to both. `state` says whether "
    "the edition has not started yet, is running (breaks and nights included) or is over.",
    filters=True,
    responses={200: NowSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 429: THROTTLED},
    parameters=[RETRY_AFTER],
)
changes_action = extend_schema(
    description="Talks added, moved (time or room), cancelled, reinstated, removed (back "
    "to draft, or moved to another edition) and deleted, newest first, as on the edition's "
    "/changes/ page, whatever path the change took (admin, import, scripts); only what was "
    "public since the edition was last published. To sync, fetch "
    "`/talks/?conference=...&updated_since=T` for what is new or changed and this list "
    "with `since=T` to drop the talks whose latest change is `removed` or `deleted`.",
    filters=True,
    responses={200: ChangeSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND, 429: THROTTLED},
    parameters=[RETRY_AFTER],
)
releases_action = extend_schema(
    description="The edition's releases, newest first: an edition whose organisers hold "
    "changes for release shows the public its last release (the pages, feeds, `/talks/`, "
    "`/now/` and `/changes/` alike); each release makes the changes held since the one "
    "before public together. Empty for an edition whose changes are public at once. "
    "`schedule.xml` and `schedule.json` carry the last release's name as `version`.",
    responses={
        200: ReleaseSerializer(many=True),
        400: BAD_REQUEST,
        404: NOT_FOUND,
        429: THROTTLED,
    },
    parameters=[RETRY_AFTER],
)

"""The OpenAPI document at /api/schema/: valid, complete, and true to what the API answers."""

import json

import jsonschema
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import given, settings, strategies
from openapi_spec_validator import validate
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from program.agenda import AGENDA_CODE_PATTERN, encode_talks
from program.models import Release, Talk, TalkType
from tests.factories import (
    ConferenceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    TrackFactory,
    local,
)
from tests.session_factory import SessionFactory

pytestmark = pytest.mark.django_db

# Every check schemathesis has, as `schemathesis run --checks all` runs them.
load_all_checks()
ALL_CHECKS = CHECKS.get_all()

OPERATIONS = [
    "/api/v1/conferences/",
    "/api/v1/conferences/{edition}/",
    "/api/v1/conferences/{edition}/now/",
    "/api/v1/conferences/{edition}/changes/",
    "/api/v1/conferences/{edition}/releases/",
    "/api/v1/talks/",
    "/api/v1/talks/{id}/",
    "/api/v1/speakers/",
    "/api/v1/speakers/{id}/",
    "/api/v1/rooms/",
    "/api/v1/rooms/{id}/",
    "/api/v1/tracks/",
    "/api/v1/tracks/{id}/",
    "/api/v1/sessions/",
    "/api/v1/sessions/{id}/",
]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.fixture
def program():
    """Two editions, a cancelled talk, a draft, several speakers: data for every branch."""
    bellevue = ConferenceFactory(slug="2026")
    boston = ConferenceFactory(slug="2025", timezone="America/New_York")
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")
    poster = TalkTypeFactory(slug="poster", name="Poster")
    ballroom = RoomFactory(conference=bellevue, name="Ballroom", capacity=800)
    annex = RoomFactory(conference=bellevue, name="Annex")
    serving = TrackFactory(conference=bellevue, name="LLM Serving", colour="#b45309")
    yuhan = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    amin = SpeakerFactory(name="Amin Vahdat", affiliation="Google")
    opening = TalkFactory(
        conference=bellevue,
        room=ballroom,
        type=keynote,
        title="Opening keynote",
        start=local("2026-05-18", 9),
        track=serving,
        speakers=[amin, yuhan],
    )
    TalkFactory(conference=bellevue, room=annex, type=poster, speakers=[yuhan])
    TalkFactory(conference=bellevue, room=annex, status=Talk.Status.CANCELLED, speakers=[amin])
    TalkFactory(conference=bellevue, room=annex, status=Talk.Status.DRAFT, speakers=[amin])
    # The slugs of KNOWN_SLUGS exist in both editions, whichever `conference` a case names.
    TalkFactory(
        conference=boston,
        room=RoomFactory(conference=boston, name="Ballroom"),
        type=keynote,
        title="Opening keynote",
        abstract="",
        track=TrackFactory(conference=boston, name="LLM Serving"),
        speakers=[yuhan],
    )
    orals = SessionFactory(
        conference=bellevue, room=ballroom, title="Orals 1", start=local("2026-05-18", 9)
    )
    orals.chairs.set([yuhan])
    Release.objects.create(
        conference=bellevue,
        number=1,
        name="Final",
        note="Rooms set.",
        released_at=local("2026-05-01", 9),
    )
    # A public resource of each kind, so generated requests also reach real ones.
    return {
        "/api/v1/conferences/{edition}/": {"edition": "2026"},
        "/api/v1/conferences/{edition}/now/": {"edition": "2026"},
        "/api/v1/conferences/{edition}/changes/": {"edition": "2026"},
        "/api/v1/conferences/{edition}/releases/": {"edition": "2026"},
        "/api/v1/talks/{id}/": {"id": opening.pk},
        "/api/v1/speakers/{id}/": {"id": yuhan.pk},
        "/api/v1/rooms/{id}/": {"id": ballroom.pk},
        "/api/v1/tracks/{id}/": {"id": serving.pk},
        "/api/v1/sessions/{id}/": {"id": orals.pk},
    }


@pytest.fixture
def document(client, program):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    return json.loads(response.content)


def parameters(document, path):
    return {
        parameter["name"]: parameter for parameter in document["paths"][path]["get"]["parameters"]
    }


def test_schema_is_valid_openapi_3(document):
    validate(document)

    assert document["openapi"].startswith("3.")


def test_schema_describes_every_resource_read_only(document):
    assert {path: sorted(operations) for path, operations in document["paths"].items()} == {
        path: ["get"] for path in OPERATIONS
    }


def test_schema_lists_every_query_parameter_of_each_list(document):
    assert {
        path: sorted(parameters(document, path))
        for path in document["paths"]
        if not path.endswith("}/")
    } == {
        "/api/v1/conferences/": ["page", "page_size"],
        "/api/v1/conferences/{edition}/now/": [
            "at",
            "day",
            "edition",
            "q",
            "room",
            "speaker",
            "talk",
            "talks",
            "track",
            "type",
        ],
        "/api/v1/conferences/{edition}/changes/": ["edition", "page", "page_size", "since"],
        "/api/v1/conferences/{edition}/releases/": ["edition"],
        "/api/v1/rooms/": ["conference", "page", "page_size"],
        "/api/v1/sessions/": ["conference", "page", "page_size"],
        "/api/v1/speakers/": ["conference", "page", "page_size", "q"],
        "/api/v1/talks/": [
            "conference",
            "day",
            "ordering",
            "page",
            "page_size",
            "q",
            "room",
            "speaker",
            "talk",
            "talks",
            "track",
            "type",
            "updated_since",
        ],
        "/api/v1/tracks/": ["conference", "page", "page_size"],
    }


def test_talk_parameters_carry_their_types_and_current_enums(client, document):
    type_slugs = sorted(TalkType.objects.values_list("slug", flat=True))
    TalkTypeFactory(slug="lightning", name="Lightning talk")
    served_later = json.loads(client.get("/api/schema/?format=json").content)
    talk_parameters = parameters(document, "/api/v1/talks/")

    assert {"keynote", "poster"} <= set(type_slugs)
    assert talk_parameters["type"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": type_slugs},
    }
    # Types are rows organisers add in admin: the schema is written when it is served.
    assert parameters(served_later, "/api/v1/talks/")["type"]["schema"]["items"]["enum"] == sorted(
        [*type_slugs, "lightning"]
    )
    assert talk_parameters["type"]["explode"] is True
    assert talk_parameters["conference"]["schema"] == {"type": "string", "enum": ["2025", "2026"]}
    assert talk_parameters["ordering"]["schema"] == {
        "type": "string",
        "enum": ["-start", "start", "title"],
    }
    assert talk_parameters["day"]["schema"] == {
        "type": "string",
        "format": "date",
        "pattern": "^(?!0001-01-01$|9999-12-31$)",
    }
    assert talk_parameters["updated_since"]["schema"] == {"type": "string", "format": "date-time"}
    assert talk_parameters["talk"]["schema"]["type"] == "array"
    assert talk_parameters["talks"]["schema"] == {"type": "string", "pattern": AGENDA_CODE_PATTERN}
    # Tracks belong to editions, like rooms: slugs, not an enum across editions.
    assert talk_parameters["track"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    }
    assert talk_parameters["room"]["schema"] == {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
    # Free text: anything but NUL, which the API refuses with a 400.
    assert talk_parameters["q"]["schema"] == {
        "type": "string",
        "maxLength": 200,
        "pattern": "^[^\\x00]*$",
    }
    assert parameters(document, "/api/v1/speakers/")["q"]["schema"]["maxLength"] == 200
    assert talk_parameters["track"]["explode"] is True
    assert talk_parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert talk_parameters["page_size"]["description"] == (
        "Results per page: 50 by default; more than 500 gives 500."
    )


def test_talk_schema_has_the_status_enum_and_every_field(document):
    talk = document["components"]["schemas"]["Talk"]

    assert list(talk["properties"]) == [
        "id",
        "slug",
        "conference",
        "title",
        "type",
        "abstract",
        "start",
        "end",
        "duration_minutes",
        "room",
        "track",
        "speakers",
        "status",
        "resources",
        "board",
        "url",
        "updated_at",
    ]
    assert sorted(talk["required"]) == sorted(talk["properties"])
    assert talk["properties"]["track"]["nullable"] is True
    assert document["components"]["schemas"]["TalkTrack"]["required"] == ["colour", "name", "slug"]
    assert document["components"]["schemas"]["StatusEnum"]["enum"] == ["published", "cancelled"]
    resource = document["components"]["schemas"]["Resource"]
    assert list(resource["properties"]) == ["kind", "url", "title"]
    assert resource["properties"]["kind"]["allOf"] == [
        {"$ref": "#/components/schemas/ResourceKindEnum"}
    ]
    assert document["components"]["schemas"]["ResourceKindEnum"]["enum"] == [
        "slides",
        "video",
        "paper",
        "poster",
        "code",
        "other",
    ]


def test_session_schema_has_the_contract_s_fields_and_kinds(document):
    schemas = document["components"]["schemas"]
    session = schemas["Session"]

    assert list(session["properties"]) == [
        "id",
        "title",
        "kind",
        "room",
        "start",
        "end",
        "chairs",
        "talks",
    ]
    assert sorted(session["required"]) == sorted(session["properties"])
    assert session["properties"]["talks"]["items"] == {"type": "integer"}
    assert list(schemas["SessionRoom"]["properties"]) == ["slug", "name"]
    assert list(schemas["SessionChair"]["properties"]) == ["id", "slug", "name"]
    (kind,) = [
        schemas[ref.rsplit("/", 1)[1]]
        for ref in [session["properties"]["kind"]["allOf"][0]["$ref"]]
    ]
    assert kind["enum"] == ["talks", "posters", "other"]
    assert document["components"]["schemas"]["Talk"]["properties"]["board"]["type"] == "string"


def test_speaker_schema_has_a_photo_or_null(document):
    speaker = document["components"]["schemas"]["Speaker"]
    photo = document["components"]["schemas"]["Photo"]

    assert speaker["properties"]["photo"]["nullable"] is True
    assert list(photo["properties"]) == ["url", "width", "height"]


def test_talk_responses_carry_the_contract_example_and_every_status(document):
    detail = document["paths"]["/api/v1/talks/{id}/"]["get"]["responses"]
    listing = document["paths"]["/api/v1/talks/"]["get"]["responses"]

    example = detail["200"]["content"]["application/json"]["examples"]["ATalk"]["value"]
    assert example["start"] == "2026-05-18T09:50:00-07:00"
    assert example["speakers"] == [
        {"id": 3, "slug": "yuhan-liu", "name": "Yuhan Liu", "affiliation": "University of Chicago"}
    ]
    assert sorted(detail) == ["200", "400", "404", "429"]
    assert sorted(listing) == ["200", "400", "404", "429"]
    assert listing["404"]["content"]["application/json"]["schema"] == {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    assert listing["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def test_every_query_parameter_may_be_empty(document):
    """An empty value (`?track=`) means no filter, for every parameter alike (the contract)."""
    query_parameters = [
        (path, parameter["name"], parameter.get("allowEmptyValue"))
        for path, operations in document["paths"].items()
        for parameter in operations["get"]["parameters"]
        if parameter["in"] == "query"
    ]

    assert len(query_parameters) == 40
    assert [entry for entry in query_parameters if entry[2] is not True] == []


@pytest.mark.parametrize(
    ("url", "headers", "body"),
    [
        ("/api/v1/talks/?track=%00", {}, {"track": ["Null characters are not allowed."]}),
        ("/api/v1/talks/?page=0", {}, {"page": ["0 is not a whole number from 1 up."]}),
        ("/api/v1/talks/1/", {"HTTP_HOST": "evil.example"}, {"detail": "Bad request."}),
    ],
)
def test_every_400_body_is_the_documented_shape(client, document, url, headers, body):
    documented = {
        path: operations["get"]["responses"]["400"]["content"]["application/json"]["schema"]
        for path, operations in document["paths"].items()
    }
    response = client.get(url, **headers)

    assert (response.status_code, json.loads(response.content)) == (400, body)
    assert len({json.dumps(schema, sort_keys=True) for schema in documented.values()}) == 1
    jsonschema.validate(body, documented["/api/v1/talks/"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"detail": ["a list"]}, documented["/api/v1/talks/"])


# ---------------------------------------------------------------------------- schemathesis


@pytest.fixture
def wsgi_app():
    """The site as a WSGI app, whose requests share the test's database transaction.

    Like Django's test client, requests must not close the test's connection at their end.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(program, wsgi_app, settings):
    # Hundreds of generated requests come from one address: not what the throttle is for.
    settings.API_ANONYMOUS_RATE = None
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


# Slugs of rows in both editions of `program`. A slug that names no row is well formed yet
# answers 400 (the contract): which slugs exist is data, not schema, so valid requests name
# existing rows, as the schemathesis CLI's run does through tests/api/schemathesis.toml.
KNOWN_SLUGS = {
    "room": "ballroom",
    "speaker": "yuhan-liu",
    "track": ["llm-serving"],
    "talk": ["opening-keynote"],
}


def with_known_values(codes):
    """Each non-empty query value of a slug parameter replaced by a known slug, and of
    ``talks`` by the agenda code of a talk in the edition asked for (``codes``: by the
    ``conference`` value, the API's and a now path's edition)."""

    def replace(case):
        edition = (case.query or {}).get("conference") or (case.path_parameters or {}).get(
            "edition"
        )
        # An edition that does not exist answers 404 or 400 for itself: any code will do.
        known = {**KNOWN_SLUGS, "talks": codes.get(edition, codes["any"])}
        for name, value in known.items():
            if case.query and case.query.get(name) not in (None, "", []):
                case.query[name] = value
        return case

    return replace


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("path", OPERATIONS)
def test_api_answers_as_its_schema_says(api_schema, program, path, mode):
    """Generated requests, valid and invalid, checked by every check schemathesis has
    (`--checks all`): never a 5xx, never a response the schema denies, valid requests
    accepted and invalid ones refused, 405 with `Allow` for other methods; and every query
    parameter of the operation sent.

    Bounded and deterministic: a fixed number of examples per operation and mode, derived
    from the schema alone, so a failure replays identically.
    """
    operation = api_schema[path]["GET"]
    strategy = operation.as_strategy(generation_mode=mode)
    if path in program:
        # Random keys almost never exist: half the cases read an existing resource.
        existing = operation.as_strategy(generation_mode=mode, path_parameters=program[path])
        strategy = strategies.one_of(strategy, existing)
    if mode == GenerationMode.POSITIVE:
        # An agenda code names talks by id, which the database chose: a well-formed code
        # naming no talk answers 400, like an unknown slug.
        keynotes = Talk.objects.filter(slug="opening-keynote")
        codes = {talk.conference.slug: encode_talks([talk.pk]) for talk in keynotes}
        codes["any"] = encode_talks([keynotes[0].pk])
        strategy = strategy.map(with_known_values(codes))

    @given(case=strategy)
    @settings(max_examples=25)
    def call(case):
        exercised.update(case.query or {})
        case.call_and_validate(
            # Schemathesis asks for gzip like requests but reads a WSGI answer undecoded.
            headers={"Accept-Encoding": "identity"},
            checks=ALL_CHECKS,
        )

    exercised = set()
    call()

    # Every query parameter the schema lists was sent at least once.
    parameters = operation.definition.raw.get("parameters", [])
    listed = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
    assert listed <= exercised

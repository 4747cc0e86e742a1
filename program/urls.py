from django.urls import path

from program.feeds import views as feeds
from program.feeds.atom import ChangesFeed
from program.feeds.speaker_calendar import speaker_calendar
from program.filters import NowFilter, TalkFilter
from program.machinery.http import read_only
from program.machinery.private import private
from program.machinery.responses import cached
from program.now import a_minute
from program.pages import (
    agenda,
    changes,
    embeds,
    now,
    offline,
    program,
    screens,
    site,
    speaker_link,
    speakers,
    styles,
    talks,
    timetable,
)

app_name = "program"


def embedded(view_class, **options):
    """The embed of a page (pages/embeds.py): its view with ``embed=True``, cached with
    ``options`` as the page is, plus ``target`` (where its links open), which is part of
    the cache key since it changes every link."""
    view = cached(view_class.as_view(embed=True), params=("target",), **options)
    return read_only(embeds.framable(view))


# Every public URL reads only (program/machinery/http.py): GET and HEAD, OPTIONS, 405 otherwise.
urlpatterns = [
    path("", read_only(site.current_edition_redirect), name="home"),
    path("current/", read_only(site.current_edition_redirect), name="current"),
    # The installable app (program/pages/offline.py): at the root, so the worker's scope is
    # the whole site.
    path("manifest.webmanifest", read_only(offline.manifest), name="manifest"),
    path("sw.js", read_only(offline.service_worker), name="service-worker"),
    path("current/<path:rest>", read_only(site.current_edition_redirect), name="current-path"),
    # An edition's address without a page, as people type or trim it (/2026 is redirected
    # here by APPEND_SLASH).
    path("<slug:edition>/", read_only(site.edition_redirect), name="edition"),
    path("<slug:edition>/talks/", read_only(site.edition_redirect), name="edition-talks"),
    path(
        "<slug:edition>/program/",
        read_only(cached(program.ProgramView.as_view(), filters=TalkFilter)),
        name="program",
    ),
    path(
        "<slug:edition>/timetable/",
        read_only(
            cached(
                timetable.TimetableView.as_view(),
                filters=TalkFilter,
                period=timetable.opening_period,
            )
        ),
        name="timetable",
    ),
    path("<slug:edition>/tracks.css", read_only(cached(styles.track_styles)), name="track-styles"),
    path("<slug:edition>/program.ics", read_only(feeds.program_ics), name="program-ics"),
    path("<slug:edition>/schedule.xml", read_only(feeds.schedule_xml), name="schedule-xml"),
    path("<slug:edition>/schedule.json", read_only(feeds.schedule_json), name="schedule-json"),
    path(
        "<slug:edition>/talks/<slug:slug>/",
        read_only(cached(talks.TalkDetailView.as_view())),
        name="talk-detail",
    ),
    path("<slug:edition>/talks/<slug:slug>.ics", read_only(feeds.talk_ics), name="talk-ics"),
    path(
        "<slug:edition>/speakers/",
        read_only(cached(speakers.SpeakerListView.as_view())),
        name="speaker-list",
    ),
    path(
        "<slug:edition>/speakers/<slug:slug>/",
        read_only(cached(speakers.SpeakerDetailView.as_view())),
        name="speaker-detail",
    ),
    path(
        "<slug:edition>/now/",
        read_only(cached(now.NowView.as_view(), filters=NowFilter, period=a_minute)),
        name="now",
    ),
    path(
        "<slug:edition>/rooms/<slug:room>/screen/",
        read_only(
            screens.reloading(
                cached(screens.RoomScreenView.as_view(), params=["at"], period=a_minute)
            )
        ),
        name="room-screen",
    ),
    path(
        "<slug:edition>/agenda/",
        read_only(cached(agenda.AgendaView.as_view(), filters=TalkFilter)),
        name="agenda",
    ),
    path(
        "<slug:edition>/changes/",
        read_only(cached(changes.ChangesView.as_view(), params=["page"])),
        name="changes",
    ),
    path(
        "<slug:edition>/offline.json",
        read_only(cached(offline.offline_list)),
        name="offline-list",
    ),
    path(
        "<slug:edition>/offline/",
        read_only(cached(offline.NotKeptView.as_view())),
        name="offline",
    ),
    path("<slug:edition>/changes.atom", read_only(cached(ChangesFeed())), name="changes-atom"),
    # Embeds (pages/embeds.py): the pages above in another site's frame.
    path(
        "<slug:edition>/embed/program/",
        embedded(program.ProgramView, filters=TalkFilter),
        name="embed-program",
    ),
    path(
        "<slug:edition>/embed/timetable/",
        embedded(timetable.TimetableView, filters=TalkFilter, period=timetable.opening_period),
        name="embed-timetable",
    ),
    path(
        "<slug:edition>/embed/speakers/",
        embedded(speakers.SpeakerListView),
        name="embed-speaker-list",
    ),
    path(
        "<slug:edition>/embed/now/",
        embedded(now.NowView, filters=NowFilter, period=a_minute),
        name="embed-now",
    ),
    path("<slug:edition>/embed.js", read_only(cached(embeds.embed_script)), name="embed-script"),
    # A speaker's private link (pages/speaker_link.py): no shared cache, failures counted
    # (machinery/private.py). <str:token>: an altered token still reaches the count.
    path(
        "<slug:edition>/speaker/<str:token>/",
        private(speaker_link.speaker_link_page),
        name="speaker-link",
    ),
    path(
        "<slug:edition>/speaker/<str:token>/calendar.ics",
        private(read_only(speaker_calendar)),
        name="speaker-calendar",
    ),
]

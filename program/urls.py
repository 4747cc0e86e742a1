from django.urls import path

from program import views
from program.feeds import views as feeds
from program.feeds.atom import ChangesFeed
from program.filters import TalkFilter
from program.http import read_only
from program.versioning import versioned

app_name = "program"

# Every public URL reads only (program/http.py): GET and HEAD, OPTIONS, 405 otherwise.
urlpatterns = [
    path("healthz", read_only(views.healthz), name="healthz"),
    path("", read_only(views.current_edition_redirect), name="home"),
    path("current/", read_only(views.current_edition_redirect), name="current"),
    path("current/<path:rest>", read_only(views.current_edition_redirect), name="current-path"),
    # An edition's address without a page, as people type or trim it (/2026 is redirected
    # here by APPEND_SLASH).
    path("<slug:edition>/", read_only(views.edition_redirect), name="edition"),
    path("<slug:edition>/talks/", read_only(views.edition_redirect), name="edition-talks"),
    path(
        "<slug:edition>/program/",
        read_only(versioned(views.ProgramView.as_view(), filters=TalkFilter)),
        name="program",
    ),
    path(
        "<slug:edition>/timetable/",
        read_only(
            versioned(views.TimetableView.as_view(), filters=TalkFilter, also=views.opening_day)
        ),
        name="timetable",
    ),
    path("<slug:edition>/tracks.css", read_only(views.track_styles), name="track-styles"),
    path("<slug:edition>/program.ics", read_only(feeds.program_ics), name="program-ics"),
    path("<slug:edition>/schedule.xml", read_only(feeds.schedule_xml), name="schedule-xml"),
    path("<slug:edition>/schedule.json", read_only(feeds.schedule_json), name="schedule-json"),
    path(
        "<slug:edition>/talks/<slug:slug>/",
        read_only(views.TalkDetailView.as_view()),
        name="talk-detail",
    ),
    path("<slug:edition>/talks/<slug:slug>.ics", read_only(feeds.talk_ics), name="talk-ics"),
    path(
        "<slug:edition>/speakers/",
        read_only(versioned(views.SpeakerListView.as_view())),
        name="speaker-list",
    ),
    path(
        "<slug:edition>/speakers/<slug:slug>/",
        read_only(views.SpeakerDetailView.as_view()),
        name="speaker-detail",
    ),
    path("<slug:edition>/now/", read_only(views.NowView.as_view()), name="now"),
    path("<slug:edition>/agenda/", read_only(views.AgendaView.as_view()), name="agenda"),
    path("<slug:edition>/changes/", read_only(views.ChangesView.as_view()), name="changes"),
    path("<slug:edition>/changes.atom", read_only(ChangesFeed()), name="changes-atom"),
]

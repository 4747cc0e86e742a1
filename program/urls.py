from django.urls import path
from django.views.decorators.http import require_safe

from program import views
from program.feeds import views as feeds
from program.feeds.atom import ChangesFeed
from program.versioning import versioned

app_name = "program"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.current_edition_redirect, name="home"),
    path("current/", views.current_edition_redirect, name="current"),
    path("current/<path:rest>", views.current_edition_redirect, name="current-path"),
    # An edition's address without a page, as people type or trim it (/2026 is redirected
    # here by APPEND_SLASH).
    path("<slug:edition>/", views.edition_redirect, name="edition"),
    path("<slug:edition>/talks/", views.edition_redirect, name="edition-talks"),
    path("<slug:edition>/program/", versioned(views.ProgramView.as_view()), name="program"),
    path("<slug:edition>/program.ics", feeds.program_ics, name="program-ics"),
    path("<slug:edition>/schedule.xml", feeds.schedule_xml, name="schedule-xml"),
    path("<slug:edition>/schedule.json", feeds.schedule_json, name="schedule-json"),
    path("<slug:edition>/talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path("<slug:edition>/talks/<slug:slug>.ics", feeds.talk_ics, name="talk-ics"),
    path(
        "<slug:edition>/speakers/", versioned(views.SpeakerListView.as_view()), name="speaker-list"
    ),
    path(
        "<slug:edition>/speakers/<slug:slug>/",
        views.SpeakerDetailView.as_view(),
        name="speaker-detail",
    ),
    path("<slug:edition>/now/", views.NowView.as_view(), name="now"),
    path("<slug:edition>/agenda/", views.AgendaView.as_view(), name="agenda"),
    path("<slug:edition>/changes/", views.ChangesView.as_view(), name="changes"),
    path("<slug:edition>/changes.atom", require_safe(ChangesFeed()), name="changes-atom"),
]

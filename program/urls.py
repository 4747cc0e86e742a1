from django.urls import path

from program import views

app_name = "program"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.current_edition_redirect, name="home"),
    path("current/", views.current_edition_redirect, name="current"),
    path("current/<path:rest>", views.current_edition_redirect, name="current-path"),
    path("<slug:edition>/program/", views.ProgramView.as_view(), name="program"),
    path("<slug:edition>/talks/<slug:slug>/", views.TalkDetailView.as_view(), name="talk-detail"),
    path("<slug:edition>/speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path(
        "<slug:edition>/speakers/<slug:slug>/",
        views.SpeakerDetailView.as_view(),
        name="speaker-detail",
    ),
]

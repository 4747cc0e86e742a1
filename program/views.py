from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from program.filters import TalkFilter
from program.models import Conference, Speaker, Talk


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def current_edition_redirect(request, rest="program/"):
    conference = get_object_or_404(Conference.objects.published(), is_current=True)
    url = f"/{conference.slug}/{rest}"
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


class EditionMixin:
    def dispatch(self, request, *args, **kwargs):
        self.conference = get_object_or_404(Conference.objects.published(), slug=kwargs["edition"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(conference=self.conference, **kwargs)


class ProgramView(EditionMixin, ListView):
    template_name = "program/talk_list.html"
    context_object_name = "talks"

    def get(self, request, *args, **kwargs):
        base = Talk.objects.published().filter(conference=self.conference).for_program()
        self.filterset = TalkFilter(request.GET, queryset=base, conference=self.conference)
        self.object_list = self.filterset.qs if self.filterset.is_valid() else base.none()
        status = 200 if self.filterset.is_valid() else 400
        return self.render_to_response(self.get_context_data(filter=self.filterset), status=status)


class TalkDetailView(EditionMixin, DetailView):
    template_name = "program/talk_detail.html"
    context_object_name = "talk"

    def get_queryset(self):
        return Talk.objects.published().filter(conference=self.conference).for_program()


class SpeakerListView(EditionMixin, ListView):
    template_name = "program/speaker_list.html"
    context_object_name = "speakers"

    def get_queryset(self):
        return Speaker.objects.filter(
            talks__in=Talk.objects.published().filter(conference=self.conference)
        ).distinct()


class SpeakerDetailView(EditionMixin, DetailView):
    template_name = "program/speaker_detail.html"
    context_object_name = "speaker"

    def get_queryset(self):
        return Speaker.objects.filter(
            talks__in=Talk.objects.published().filter(conference=self.conference)
        ).distinct()

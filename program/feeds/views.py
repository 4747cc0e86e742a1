# Placeholder routes so templates can link to the feeds; issue 5 builds them.
from django.http import Http404


def program_ics(request, edition):
    raise Http404("The calendar feed is not built yet.")


def talk_ics(request, edition, slug):
    raise Http404("The calendar feed is not built yet.")


def schedule_xml(request, edition):
    raise Http404("The frab schedule is not built yet.")


def schedule_json(request, edition):
    raise Http404("The frab schedule is not built yet.")

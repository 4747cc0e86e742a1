"""The site's URLs plus empty views: the baselines every benchmark is compared with."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from conference.urls import urlpatterns as site_urlpatterns


def empty_view(request):
    return HttpResponse("")


class EmptyApiView(APIView):
    def get(self, request):
        return Response({})


urlpatterns = [
    path("bench/empty/", empty_view),
    path("bench/empty-api/", EmptyApiView.as_view()),
    *site_urlpatterns,
]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import run_lookup


class ItemView(View):
    def get(self, request):
        parts = []
        for p in request.POST["name"].split(","):
            parts.append(p.strip())
        name = ",".join(parts)
        out = run_lookup(name)
        return HttpResponse("ok")


urlpatterns = [path("api/run/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import os

BASE = "/srv/files"


def handle(request):
    parts = []
    for p in request.GET.get("attachment").split(","):
        parts.append(p.strip())
    attachment = ",".join(parts)
    data = open(os.path.join(BASE, attachment)).read()
    return HttpResponse("ok")


urlpatterns = [path("api/view/", handle)]

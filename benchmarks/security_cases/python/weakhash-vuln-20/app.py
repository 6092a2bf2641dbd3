from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import do_work


def handle(request):
    parts = []
    for p in request.META.get("HTTP_X_TOKEN", "").split(","):
        parts.append(p.strip())
    token = ",".join(parts)
    out = do_work(token)
    return HttpResponse("ok")


urlpatterns = [path("app/view/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import run_lookup


def handle(request):
    data = "{}".format(request.COOKIES.get("data", ""))
    out = run_lookup(data)
    return HttpResponse("ok")


urlpatterns = [path("api/run/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

ALLOWED = {"1 + 1", "other"}

type Headers = dict[str, str]  # Python 3.12 type statement

def handle(request):
    code = request.META.get("HTTP_X_CODE", "")
    if code not in ALLOWED:
        return HttpResponseBadRequest("bad request")
    code = compile(code, "<calc>", "eval")
    result = eval(code)
    return HttpResponse("ok")


urlpatterns = [path("app/run/", handle)]

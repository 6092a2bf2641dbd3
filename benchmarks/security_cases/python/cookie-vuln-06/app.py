from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    lang = request.GET.get("lang", "").strip().lower()
    resp = HttpResponse("ok")
    resp.set_cookie("sessionid", lang, secure=False)
    return resp


urlpatterns = [path("app/do/", handle)]

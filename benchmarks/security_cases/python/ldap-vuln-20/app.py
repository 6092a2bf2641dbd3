from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import handle_value
import urllib.parse


def handle(request):
    login = urllib.parse.unquote_plus(request.META.get("HTTP_X_LOGIN", ""))
    out = handle_value(login)
    return HttpResponse("ok")


urlpatterns = [path("app/run/", handle)]

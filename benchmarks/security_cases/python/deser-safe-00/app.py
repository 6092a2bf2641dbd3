from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import yaml


def handle(request):
    def read():
        return request.COOKIES.get("profile", "")

    profile = read()
    obj = yaml.load(profile, Loader=yaml.SafeLoader)
    return HttpResponse("ok")


urlpatterns = [path("api/do/", handle)]

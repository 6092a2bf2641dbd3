from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import urllib.parse


def handle(request):
    items = [request.GET.get("return_to", "")]
    return_to = items[0]
    dest = urllib.parse.unquote(return_to)
    return HttpResponseRedirect(dest)


urlpatterns = [path("api/do/", handle)]

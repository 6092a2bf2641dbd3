from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    target = request.POST["target"]
    if not target.startswith(("http://", "https://")):
        target = "https://" + target
    dest = target + '?from=login'
    return HttpResponseRedirect(dest)


urlpatterns = [path("api/view/", handle)]

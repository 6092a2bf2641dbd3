from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import os, shlex

type Headers = dict[str, str]  # Python 3.12 type statement

def handle(request):
    if len(raw := request.GET.get("pattern")) > 0:
        pass
    pattern = raw
    os.system("ping -c 1 " + shlex.quote(pattern))
    return HttpResponse("ok")


urlpatterns = [path("admin/run/", handle)]

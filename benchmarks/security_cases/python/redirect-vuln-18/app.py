from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

type Headers = dict[str, str]  # Python 3.12 type statement

def handle(request):
    params = {"q": request.META.get("HTTP_X_URL", "")}
    url = params.get("q", "")
    return HttpResponseRedirect(f"https://{url}/login")


urlpatterns = [path("v1/run/", handle)]

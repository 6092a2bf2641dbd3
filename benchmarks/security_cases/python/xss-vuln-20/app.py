from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    title = request.META.get("HTTP_X_TITLE", "").strip().lower()
    return HttpResponse(f"<p>Hello {title}</p>")


urlpatterns = [path("api/run/", handle)]

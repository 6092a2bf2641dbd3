from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import os


def handle(request):
    filename = request.COOKIES.get("filename", "").replace(";", "")
    os.system(f"ping -c 1 {filename}")
    return_value = "sent"


urlpatterns = [path("admin/run/", handle)]

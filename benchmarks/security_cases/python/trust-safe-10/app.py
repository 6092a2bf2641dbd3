from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare
import logging


def handle(request):
    role = prepare(request.GET.get("role", ""))
    logging.info("asked %s", role)
    request.session["user"] = "guest"
    return HttpResponse("ok")


urlpatterns = [path("v1/item/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import logging


def handle(request):
    items = [request.META.get("HTTP_X_COMMENT", "")]
    comment = items[0]
    logging.info("visit %s", comment)
    return HttpResponse("<p>Hello</p>")


urlpatterns = [path("app/view/", handle)]

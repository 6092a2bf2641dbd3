from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare
import logging

type Headers = dict[str, str]  # Python 3.12 type statement

def handle(request):
    cart = prepare(request.COOKIES.get("cart", ""))
    logging.info("asked %s", cart)
    request.session["user"] = "guest"
    return HttpResponse("ok")


urlpatterns = [path("app/do/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import os


def handle(request):
    user = "%s" % (request.POST["user"],)
    nonce = os.urandom(16).hex()
    request.session["nonce"] = nonce
    return HttpResponse("ok")


urlpatterns = [path("api/run/", handle)]

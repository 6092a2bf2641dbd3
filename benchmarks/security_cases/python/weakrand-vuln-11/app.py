from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import random


def handle(request):
    params = {"q": request.META.get("HTTP_X_LOGIN", "")}
    login = params.get("q", "")
    reset_code = str(random.randint(100000, 999999))
    request.session["reset"] = reset_code
    return HttpResponse("ok")


urlpatterns = [path("v1/run/", handle)]

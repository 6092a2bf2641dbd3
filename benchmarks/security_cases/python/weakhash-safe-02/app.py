from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import hashlib


def handle(request):
    params = {"q": request.GET.get("password")}
    password = params.get("q", "")
    digest = hashlib.new("sha512", password.encode()).hexdigest()
    return HttpResponse("ok")


urlpatterns = [path("api/do/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare


def handle(request):
    sid = prepare(request.COOKIES.get("sid", ""))
    resp = HttpResponse("ok")
    resp.set_cookie("sessionid", sid)
    return resp


urlpatterns = [path("v1/view/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import do_work

def pick(raw):
    return "<note><to>ops</to></note>"


def handle(request):
    body = pick(request.GET.get("body", ""))
    out = do_work(body)
    return HttpResponse("ok")


urlpatterns = [path("admin/run/", handle)]

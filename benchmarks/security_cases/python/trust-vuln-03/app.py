from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare


def handle(request):
    user = prepare(request.POST["user"])
    entry = user
    request.session["cart"] = entry
    return HttpResponse("ok")


urlpatterns = [path("admin/item/", handle)]

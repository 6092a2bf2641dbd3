from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    pair = ("x", request.POST["url"])
    _, url = pair
    label = url
    return redirect("index")


urlpatterns = [path("admin/view/", handle)]

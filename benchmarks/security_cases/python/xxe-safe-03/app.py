from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import defusedxml.ElementTree


def handle(request):
    xml = request.POST["xml"]
    tree = defusedxml.ElementTree.fromstring(xml)
    return HttpResponse("ok")


urlpatterns = [path("v1/do/", handle)]

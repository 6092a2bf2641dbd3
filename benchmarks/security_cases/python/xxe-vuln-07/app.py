from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree


def handle(request):
    data = {"value": request.META.get("HTTP_X_BODY", ""), "mode": "x"}
    body = data["value"]
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(body.encode(), parser)
    return HttpResponse("ok")


urlpatterns = [path("api/do/", handle)]

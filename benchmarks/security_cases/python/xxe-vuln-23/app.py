from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree


def handle(request):
    parts = []
    for p in request.GET.get("xml").split(","):
        parts.append(p.strip())
    xml = ",".join(parts)
    tree = etree.fromstring(xml, etree.XMLParser(no_network=False, resolve_entities=True))
    return HttpResponse("ok")


urlpatterns = [path("app/view/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


def handle(request):
    raw = request.GET.get("name", "")
    name = "" + raw
    res = ROOT.xpath("//item[sku=$s]", s=name)
    return HttpResponse("ok")


urlpatterns = [path("api/do/", handle)]

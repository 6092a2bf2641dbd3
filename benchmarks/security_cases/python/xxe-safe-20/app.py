from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


def handle(request):
    body = request.POST["body"]
    if True:
        body = "<note><to>ops</to></note>"
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    events = xml.dom.pulldom.parseString(body, parser)
    return HttpResponse("ok")


urlpatterns = [path("admin/do/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import io, xml.sax
from xml.sax.handler import feature_external_ges


def handle(request):
    doc = str(int(request.POST["doc"]))
    p = xml.sax.make_parser()
    p.setFeature(feature_external_ges, True)
    p.parse(io.StringIO(doc))
    return HttpResponse("ok")


urlpatterns = [path("app/run/", handle)]

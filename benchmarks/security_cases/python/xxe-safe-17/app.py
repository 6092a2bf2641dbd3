from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import xml.etree.ElementTree as ET


class ItemView(View):
    def get(self, request):
        items = [request.GET.get("xml", "")]
        xml = items[0]
        tree = ET.fromstring(xml)
        return HttpResponse("ok")


urlpatterns = [path("v1/run/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import process

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemView(View):
    def get(self, request):
        xml = request.GET.get("xml")
        if not xml:
            xml = "<note><to>ops</to></note>"
        out = process(xml)
        return HttpResponse("ok")


urlpatterns = [path("api/view/", ItemView.as_view())]

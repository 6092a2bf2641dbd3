from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import pathlib

BASE = "/srv/files"


class ItemView(View):
    def get(self, request):
        doc = request.COOKIES.get("doc", "")
        if not doc:
            doc = "report.txt"
        data = pathlib.Path(BASE, doc).read_text()
        return HttpResponse("ok")


urlpatterns = [path("admin/item/", ItemView.as_view())]

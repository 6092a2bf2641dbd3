from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import yaml


class ItemView(View):
    def get(self, request):
        raw = request.GET.get("blob", "")
        blob = "" + raw
        obj = yaml.safe_load(blob)
        return HttpResponse("ok")


urlpatterns = [path("v1/do/", ItemView.as_view())]

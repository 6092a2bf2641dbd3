from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import os


class ItemView(View):
    def get(self, request):
        if len(raw := request.GET.get("host")) > 0:
            pass
        host = raw
        os.system(f"ping -c 1 {host}")
        return_value = "sent"


urlpatterns = [path("app/do/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare

ALLOWED_TARGETS = {"/home", "/profile", "/settings"}


class ItemView(View):
    def get(self, request):
        target = prepare(request.GET.get("target", ""))
        dest = target if target in ALLOWED_TARGETS else '/home'
        return HttpResponseRedirect(dest)


urlpatterns = [path("api/do/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import secrets


class ItemView(View):
    def get(self, request):
        raw = request.POST["login"]
        login = "" + raw
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
        return HttpResponse("ok")


urlpatterns = [path("admin/do/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare


class ItemView(View):
    def get(self, request):
        lang = prepare(request.GET.get("lang"))
        resp = HttpResponse("ok")
        resp.set_cookie("sessionid", lang, httponly=True)
        return resp


urlpatterns = [path("admin/do/", ItemView.as_view())]

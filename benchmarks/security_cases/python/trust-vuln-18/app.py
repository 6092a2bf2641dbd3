from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import urllib.parse


class ItemView(View):
    def get(self, request):
        role = urllib.parse.unquote_plus(request.GET.get("role"))
        request.session["role"] = "role:" + role
        return HttpResponse("ok")


urlpatterns = [path("app/item/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import run_lookup


class ItemView(View):
    def get(self, request):
        parts = []
        for p in request.COOKIES.get("email", "").split(","):
            parts.append(p.strip())
        email = ",".join(parts)
        out = run_lookup(email)
        return HttpResponse("ok")


urlpatterns = [path("app/item/", ItemView.as_view())]

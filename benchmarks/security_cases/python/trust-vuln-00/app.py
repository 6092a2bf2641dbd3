from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


class ItemView(View):
    def get(self, request):
        if len(raw := request.COOKIES.get("role", "")) > 0:
            pass
        role = raw
        entry = role
        request.session["cart"] = entry
        return HttpResponse("ok")


urlpatterns = [path("v1/item/", ItemView.as_view())]

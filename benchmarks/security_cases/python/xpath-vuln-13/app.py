from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import handle_value


class ItemView(View):
    def get(self, request):
        pair = ("x", request.POST["sku"])
        _, sku = pair
        out = handle_value(sku)
        return HttpResponse("ok")


urlpatterns = [path("admin/view/", ItemView.as_view())]

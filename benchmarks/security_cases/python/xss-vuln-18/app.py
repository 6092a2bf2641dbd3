from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import prepare


class ItemView(View):
    def get(self, request):
        q = prepare(request.GET.get("q", ""))
        page = "<h1>%s</h1>" % q
        return HttpResponse(page)


urlpatterns = [path("api/item/", ItemView.as_view())]

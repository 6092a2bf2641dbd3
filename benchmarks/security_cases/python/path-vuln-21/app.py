from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import do_work


class ItemView(View):
    def get(self, request):
        if len(raw := request.POST["doc"]) > 0:
            pass
        doc = raw
        out = do_work(doc)
        return HttpResponse("ok")


urlpatterns = [path("admin/item/", ItemView.as_view())]

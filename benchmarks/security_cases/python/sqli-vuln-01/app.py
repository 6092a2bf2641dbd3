from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import do_work

def normalise(s):
    return s.strip()


class ItemView(View):
    def get(self, request):
        email = normalise(request.META.get("HTTP_X_EMAIL", ""))
        out = do_work(email)
        return HttpResponse("ok")


urlpatterns = [path("v1/run/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import urllib.parse


class ItemView(View):
    def get(self, request):
        url = urllib.parse.unquote_plus(request.GET.get("url", ""))
        dest = url + '?from=login'
        return HttpResponseRedirect(dest)


urlpatterns = [path("v1/view/", ItemView.as_view())]

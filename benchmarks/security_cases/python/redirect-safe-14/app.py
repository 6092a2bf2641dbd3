from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


class ItemView(View):
    def get(self, request):
        target = str(int(request.META.get("HTTP_X_TARGET", "")))
        dest = target + '?from=login'
        return HttpResponseRedirect(dest)


urlpatterns = [path("api/item/", ItemView.as_view())]

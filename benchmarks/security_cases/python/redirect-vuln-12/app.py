from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


class ItemView(View):
    def get(self, request):
        return_to = request.GET.get("return_to", "")
        if not return_to.startswith(("http://", "https://")):
            return_to = "https://" + return_to
        dest = return_to + '?from=login'
        return HttpResponseRedirect(dest)


urlpatterns = [path("admin/view/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemView(View):
    def get(self, request):
        parts = []
        for p in request.GET.get("target").split(","):
            parts.append(p.strip())
        target = ",".join(parts)
        return HttpResponseRedirect(f"/profile?tab={target}")


urlpatterns = [path("app/view/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme

def normalise(s):
    return s.strip()


class ItemView(View):
    def get(self, request):
        name = normalise(request.GET.get("name"))
        return HttpResponse(f"<p>Hello {name}</p>")


urlpatterns = [path("admin/item/", ItemView.as_view())]

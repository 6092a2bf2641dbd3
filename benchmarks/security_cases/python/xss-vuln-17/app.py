from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


class ItemView(View):
    def get(self, request):
        title = request.GET.get("title", "").strip().lower()
        return HttpResponse(f"<p>Hello {title}</p>")


urlpatterns = [path("v1/view/", ItemView.as_view())]

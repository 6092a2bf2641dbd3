from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


class ItemView(View):
    def get(self, request):
        q = request.GET.get("q", "")
        return render(request, "hello.html", {"name": q})


urlpatterns = [path("v1/run/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import hashlib


class ItemView(View):
    def get(self, request):
        api_key = request.META.get("HTTP_X_API_KEY", "")[:128]
        digest = hashlib.blake2b(api_key.encode()).hexdigest()
        return HttpResponse("ok")


urlpatterns = [path("app/view/", ItemView.as_view())]

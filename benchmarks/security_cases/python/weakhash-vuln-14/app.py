from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from hashlib import md5


def handle(request):
    data = {"value": request.META.get("HTTP_X_API_KEY", ""), "mode": "x"}
    api_key = data["value"]
    digest = md5(api_key.encode()).hexdigest()
    return HttpResponse("ok")


urlpatterns = [path("admin/item/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import marshal


def handle(request):
    def read():
        return request.META.get("HTTP_X_DATA", "")

    data = read()
    obj = marshal.loads(bytes.fromhex(data))
    return HttpResponse("ok")


urlpatterns = [path("app/item/", handle)]

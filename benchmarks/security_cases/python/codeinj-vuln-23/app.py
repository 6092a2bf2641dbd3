from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    calc = "%s" % (request.GET.get("calc"),)
    code = compile(calc, "<calc>", "eval")
    result = eval(code)
    return HttpResponse("ok")


urlpatterns = [path("api/run/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme


def handle(request):
    expr = request.GET.get("expr")
    if expr not in ("1 + 1", "2 * 3"):
        return HttpResponseBadRequest("bad request")
    code = compile(expr, "<calc>", "eval")
    result = eval(code)
    return HttpResponse("ok")


urlpatterns = [path("api/run/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from helpers import handle_value


def handle(request):
    expr = request.GET.get("expr", "")
    if "import" in expr:
        expr = expr.replace("import", "")
    out = handle_value(expr)
    return HttpResponse("ok")


urlpatterns = [path("admin/run/", handle)]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree

TREE = etree.parse("users.xml")


def handle(request):
    vals = ["alice", request.META.get("HTTP_X_USER", "")]
    user = vals[0]
    find = etree.XPath("//u[@id='%s']" % user)
    res = find(TREE)
    return HttpResponse("ok")


urlpatterns = [path("api/do/", handle)]

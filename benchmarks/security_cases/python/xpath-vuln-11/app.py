from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree

def normalise(s):
    return s.strip()

TREE = etree.parse("books.xml")


class ItemView(View):
    def get(self, request):
        user = normalise(request.META.get("HTTP_X_USER", ""))
        res = TREE.xpath("//book[title='" + user + "']/price/text()")
        return HttpResponse("ok")


urlpatterns = [path("app/view/", ItemView.as_view())]

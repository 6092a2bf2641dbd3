from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


class ItemView(View):
    def get(self, request):
        name = request.GET.get("name")
        res = ROOT.xpath("//item[sku='{}']".format(name))
        return HttpResponse("ok")


urlpatterns = [path("admin/view/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import io
import lxml.etree

def pick(raw):
    return "<note><to>ops</to></note>"

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemView(View):
    def get(self, request):
        doc = pick(request.COOKIES.get("doc", ""))
        tree = lxml.etree.parse(io.BytesIO(doc.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        return HttpResponse("ok")


urlpatterns = [path("app/do/", ItemView.as_view())]

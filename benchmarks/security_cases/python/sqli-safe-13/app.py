from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import sqlite3

def normalise(s):
    return s.strip()

conn = sqlite3.connect("app.db")


class ItemView(View):
    def get(self, request):
        owner = normalise(request.GET.get("owner"))
        cur = conn.cursor()
        cur.execute("SELECT id FROM items WHERE owner = ?", [owner])
        rows = cur.fetchall()
        return HttpResponse("ok")


urlpatterns = [path("v1/item/", ItemView.as_view())]

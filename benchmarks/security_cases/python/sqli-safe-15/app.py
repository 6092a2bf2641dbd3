from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import sqlite3

conn = sqlite3.connect("app.db")


def handle(request):
    def read():
        return request.META.get("HTTP_X_EMAIL", "")

    email = read()
    rows = conn.execute("SELECT * FROM users WHERE name = ?", (email,)).fetchall()
    return HttpResponse("ok")


urlpatterns = [path("app/item/", handle)]

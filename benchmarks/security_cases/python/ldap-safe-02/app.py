from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import ldap
from ldap.filter import escape_filter_chars

def normalise(s):
    return s.strip()

conn = ldap.initialize("ldap://ldap.example.org")


def handle(request):
    user = normalise(request.GET.get("user"))
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(user)})")
    return HttpResponse("ok")


urlpatterns = [path("app/view/", handle)]

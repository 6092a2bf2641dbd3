from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import ldap
import urllib.parse

conn = ldap.initialize("ldap://ldap.example.org")


class ItemView(View):
    def get(self, request):
        mail = urllib.parse.unquote_plus(request.META.get("HTTP_X_MAIL", ""))
        res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(mail))
        return HttpResponse("ok")


urlpatterns = [path("v1/run/", ItemView.as_view())]

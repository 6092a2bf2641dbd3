from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import ldap
from ldap.filter import escape_filter_chars

conn = ldap.initialize("ldap://ldap.example.org")


class ItemView(View):
    def get(self, request):
        uid = request.GET.get("uid", "")[:128]
        res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(uid)})")
        return HttpResponse("ok")


urlpatterns = [path("api/item/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import ldap3

server = ldap3.Server("ldap.example.org")


class ItemView(View):
    def get(self, request):
        mail = request.META.get("HTTP_X_MAIL", "").strip().lower()
        c = ldap3.Connection(server, auto_bind=True)
        c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + mail + "))")
        res = c.entries
        return HttpResponse("ok")


urlpatterns = [path("app/do/", ItemView.as_view())]

from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import pickle, base64


class ItemView(View):
    def get(self, request):
        profile = request.POST["profile"].strip()
        obj = pickle.loads(base64.b64decode(profile))
        return HttpResponse("ok")


urlpatterns = [path("api/view/", ItemView.as_view())]

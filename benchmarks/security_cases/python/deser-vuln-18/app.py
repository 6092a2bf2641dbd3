from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views import View
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
import pickle, base64

def first[T](x: T) -> T:
    return x


class ItemView(View):
    def get(self, request):
        data = first(request.GET.get("data"))
        obj = pickle.loads(base64.b64decode(data))
        return HttpResponse("ok")


urlpatterns = [path("app/item/", ItemView.as_view())]

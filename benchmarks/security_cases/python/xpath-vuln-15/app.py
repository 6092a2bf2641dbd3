from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

def normalise(s):
    return s.strip()

TREE = etree.parse("users.xml")

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        sku = normalise(request.values.get("sku", ""))
        res = TREE.xpath(f"//user[@name='{sku}']/@role")
        return "ok"


app.add_url_rule("/admin/do", view_func=ItemView.as_view("item"))

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree
import re

ROOT = etree.parse("stock.xml").getroot()

type Headers = dict[str, str]  # Python 3.12 type statement

app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        sku = request.args.get("sku")
        if not re.fullmatch(r"[A-Za-z0-9_]+", sku):
            abort(400)
        res = ROOT.xpath("//item[sku='{}']".format(sku))
        return "ok"


app.add_url_rule("/admin/view", view_func=ItemView.as_view("item"))

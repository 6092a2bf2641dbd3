from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        name = str(int(request.args.get("name")))
        res = ROOT.xpath("//item[sku='{}']".format(name))
        return "ok"


app.add_url_rule("/v1/run", view_func=ItemView.as_view("item"))

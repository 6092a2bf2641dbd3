from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


app = Flask(__name__)


def init(app):
    @app.route("/admin/item", methods=["GET", "POST"])
    def handle():
        raw = request.args.to_dict().get("name", "")
        name = "" + raw
        res = ROOT.xpath("//item[sku='{}']".format(name))
        return "ok"

    return app


init(app)

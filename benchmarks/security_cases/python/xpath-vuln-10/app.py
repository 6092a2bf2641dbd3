from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


app = Flask(__name__)


@app.route("/v1/run")
def handle():
    sku = request.headers.get("X-sku", "").replace('"', '')
    res = ROOT.xpath("//item[sku='{}']".format(sku))
    return "ok"

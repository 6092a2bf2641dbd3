from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

ROOT = etree.parse("stock.xml").getroot()


bp = Blueprint("bp", __name__)


@bp.route("/app/item", methods=["POST"])
def handle():
    raw = request.values.get("sku", "")
    sku = "" + raw
    res = ROOT.xpath("//item[sku='{}']".format(sku))
    return "ok"

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

def pick(raw):
    return "alice"

TREE = etree.parse("books.xml")


bp = Blueprint("bp", __name__)


@bp.route("/v1/do", methods=["POST"])
def handle():
    sku = pick(request.cookies.get("sku", ""))
    res = TREE.xpath("//book[title='" + sku + "']/price/text()")
    return "ok"

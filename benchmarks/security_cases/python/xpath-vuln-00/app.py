from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

TREE = etree.parse("books.xml")


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    parts = []
    for p in request.values.get("user", "").split(","):
        parts.append(p.strip())
    user = ",".join(parts)
    res = TREE.xpath("//book[title='" + user + "']/price/text()")
    return "ok"

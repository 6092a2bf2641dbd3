from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree


bp = Blueprint("bp", __name__)


@bp.route("/admin/item", methods=["POST"])
def handle():
    doc = "{}".format(request.headers.get("X-doc", ""))
    tree = etree.fromstring(doc, etree.XMLParser(no_network=False, resolve_entities=True))
    return "ok"

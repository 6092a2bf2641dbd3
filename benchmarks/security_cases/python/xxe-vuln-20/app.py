from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree


bp = Blueprint("bp", __name__)


@bp.route("/api/item", methods=["POST"])
def handle():
    pair = ("x", request.args.to_dict().get("xml", ""))
    _, xml = pair
    parser = etree.XMLParser(resolve_entities=True)
    tree = etree.fromstring(xml.encode(), parser)
    return "ok"

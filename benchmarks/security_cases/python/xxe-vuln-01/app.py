from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import io
import lxml.etree


bp = Blueprint("bp", __name__)


@bp.route("/api/view", methods=["POST"])
def handle():
    doc = request.cookies.get("doc", "")[:128]
    tree = lxml.etree.parse(io.BytesIO(doc.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
    return "ok"

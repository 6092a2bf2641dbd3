from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import io
import lxml.etree


app = Flask(__name__)


def init(app):
    @app.route("/app/view", methods=["GET", "POST"])
    def handle():
        body = request.values.get("body", "")
        if not body:
            body = "<note><to>ops</to></note>"
        tree = lxml.etree.parse(io.BytesIO(body.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        return "ok"

    return app


init(app)

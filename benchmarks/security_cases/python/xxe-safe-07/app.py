from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import xml.etree.ElementTree as ET


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        body = request.args.get("body")
        tree = ET.fromstring(body)
        return "ok"

    return app


init(app)

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import xml.dom.pulldom, xml.sax
from xml.sax.handler import feature_external_ges


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        payload = "{}".format(request.args.get("payload"))
        parser = xml.sax.make_parser()
        parser.setFeature(feature_external_ges, True)
        events = xml.dom.pulldom.parseString(payload, parser)
        return "ok"

    return app


init(app)

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

TEMPLATE = "<config><mode>safe</mode></config>"


app = Flask(__name__)


def init(app):
    @app.route("/v1/run", methods=["GET", "POST"])
    def handle():
        body = "%s" % (request.args.get("body"),)
        parser = etree.XMLParser(resolve_entities=True)
        tree = etree.fromstring(TEMPLATE, parser)
        label = body
        return "ok"

    return app


init(app)

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

TREE = etree.parse("users.xml")


app = Flask(__name__)


def init(app):
    @app.route("/app/do", methods=["GET", "POST"])
    def handle():
        raw = request.form["title"]
        title = "" + raw
        res = TREE.xpath("//user[@name=$name]/@role", name=title)
        return "ok"

    return app


init(app)

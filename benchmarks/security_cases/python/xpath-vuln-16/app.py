from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
from lxml import etree

def normalise(s):
    return s.strip()

TREE = etree.parse("books.xml")


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        user = normalise(request.headers.get("X-user", ""))
        res = TREE.xpath("//book[title='" + user + "']/price/text()")
        return "ok"

    return app


init(app)

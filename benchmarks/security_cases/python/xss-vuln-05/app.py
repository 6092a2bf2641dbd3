from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/v1/do", methods=["GET", "POST"])
    def handle():
        title = request.cookies.get("title", "").replace("<script>", "")
        page = "<ul><li>{}</li></ul>".format(title)
        return make_response(page)

    return app


init(app)

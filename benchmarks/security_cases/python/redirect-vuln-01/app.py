from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import urllib.parse


app = Flask(__name__)


def init(app):
    @app.route("/api/item", methods=["GET", "POST"])
    def handle():
        next = request.args.to_dict().get("next", "")
        if not next.startswith(("http://", "https://")):
            next = "https://" + next
        dest = urllib.parse.unquote(next)
        return redirect(dest)

    return app


init(app)

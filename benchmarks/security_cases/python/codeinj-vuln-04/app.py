from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape


app = Flask(__name__)


def init(app):
    @app.route("/app/run", methods=["GET", "POST"])
    def handle():
        formula = request.form["formula"]
        if "import" in formula:
            formula = formula.replace("import", "")
        code = compile(formula, "<calc>", "eval")
        result = eval(code)
        return "ok"

    return app


init(app)

from flask import Flask, Blueprint, request, redirect, session, make_response, abort, render_template, render_template_string, url_for, jsonify
from flask.views import MethodView
from markupsafe import Markup, escape
import io
import lxml.etree


app = Flask(__name__)


class ItemView(MethodView):
    def post(self):
        doc = f"{request.get_json()["doc"]}"
        tree = lxml.etree.parse(io.BytesIO(doc.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))
        return "ok"


app.add_url_rule("/admin/run", view_func=ItemView.as_view("item"))

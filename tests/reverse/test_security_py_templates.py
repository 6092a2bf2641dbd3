"""Jinja2 templates written in the code: request data rendered under ``|safe``, inside
``{% autoescape false %}`` or by an environment / ``Template`` without autoescaping is
cross-site scripting; the same template with escaping on, an escaping filter, or an escaped
value is not. ``Markup("...%s") % x`` and ``Markup("...{}").format(x)`` escape ``x``."""

from __future__ import annotations

from devlab.reverse.security import scan_source
from devlab.reverse.security.python_templates import unescaped_names

HEAD = (
    "import jinja2\nfrom flask import Flask, request, render_template, render_template_string\n"
    "from markupsafe import Markup, escape\n"
    "app = Flask(__name__)\n"
    "plain = jinja2.Environment(loader=jinja2.BaseLoader())\n"
    "escaping = jinja2.Environment(autoescape=jinja2.select_autoescape())\n\n"
    "def init(app):\n    @app.route('/a')\n    def a():\n        name = request.args.get('n', '')\n"
)


def xss(body: str) -> int:
    code = HEAD + "".join("        " + line + "\n" for line in body.splitlines())
    found = scan_source("views.py", code)
    return sum(
        1 for f in found if f.cwe == "CWE-79" and f.severity in ("medium", "high", "critical")
    )


def test_unescaped_names_reads_filters_blocks_and_the_setting() -> None:
    t = "<b>{{ a|safe }}</b>{{ b }}{{ c|e|safe }}{% autoescape false %}{{ d }}{% endautoescape %}"
    assert unescaped_names(t, autoescape=True) == {"a", "d"}
    assert unescaped_names(t, autoescape=False) == {"a", "b", "d"}
    assert unescaped_names("{{ x|forceescape|safe }}{{ y|int }}", autoescape=False) == set()


def test_safe_filter_and_autoescape_block_in_render_template_string() -> None:
    assert xss("return render_template_string('<b>{{ n|safe }}</b>', n=name)") == 1
    assert (
        xss(
            "return render_template_string("
            "'{% autoescape false %}{{ n }}{% endautoescape %}', n=name)"
        )
        == 1
    )


def test_render_template_string_escapes_by_default() -> None:
    assert xss("return render_template_string('<b>{{ n }}</b>', n=name)") == 0
    assert xss("return render_template_string('<b>{{ n|safe }}</b>', n=escape(name))") == 0
    assert xss("return render_template_string('<b>{{ n|safe }}</b>', n='fixed')") == 0
    assert xss("return render_template_string('<b>{{ m|safe }}</b>{{ n }}', n=name)") == 0


def test_environment_and_template_without_autoescape() -> None:
    assert xss("return plain.from_string('<p>{{ who }}</p>').render(who=name)") == 1
    assert xss("t = jinja2.Template('<p>{{ who }}</p>')\nreturn t.render({'who': name})") == 1


def test_environment_and_template_that_escape() -> None:
    assert xss("return escaping.from_string('<p>{{ who }}</p>').render(who=name)") == 0
    assert xss("t = jinja2.Template('<p>{{ who|e }}</p>')\nreturn t.render({'who': name})") == 0
    assert (
        xss("t = jinja2.Template('<p>{{ w }}</p>', autoescape=True)\nreturn t.render(w=name)") == 0
    )


def test_markup_interpolation_escapes_its_arguments() -> None:
    assert xss("return Markup('<b>%s</b>') % name") == 0
    assert xss("return Markup('<b>{}</b>').format(name)") == 0
    # the template text itself is still the sink
    assert xss("return Markup('<b>%s</b>' % name)") == 1
    assert xss("return Markup('<b>' + name + '</b>')") == 1


def test_an_app_that_turns_autoescape_off_renders_raw() -> None:
    off = HEAD.replace(
        "app = Flask(__name__)\n", "app = Flask(__name__)\napp.jinja_env.autoescape = False\n"
    )

    def found(body: str, head: str) -> int:
        code = head + "".join("        " + line + "\n" for line in body.splitlines())
        return sum(
            1
            for f in scan_source("views.py", code)
            if f.cwe == "CWE-79" and f.severity in ("medium", "high", "critical")
        )

    assert found("return render_template('page.html', who=name)", off) == 1
    assert found("return render_template_string('<b>{{ n }}</b>', n=name)", off) == 1
    # autoescaping left on, or a constant / escaped value with it off
    assert found("return render_template('page.html', who=name)", HEAD) == 0
    assert found("return render_template('page.html', who=escape(name))", off) == 0
    assert found("return render_template('page.html', who='x')", off) == 0

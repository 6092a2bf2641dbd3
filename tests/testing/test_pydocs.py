"""Inputs in the module's own language (pydocs, pyregex.drawn_witnesses) and operators with
partners of the module's own kind (pystate.partner_calls): real parsing of real texts,
no sandbox."""

from __future__ import annotations

import re

from devlab.testing.pydocs import (
    doc_sources,
    forwarded_options,
    harvest,
    module_letters,
    mutations,
    option_values,
    stream_forms,
    with_option,
)
from devlab.testing.pyobjects import class_infos
from devlab.testing.pyregex import drawn_witnesses, witnesses
from devlab.testing.pysearch import CallPlanner
from devlab.testing.pystate import imported_values, partner_calls
from devlab.testing.targets import find_targets

TAGS = '''"""Tag documents.

Simple example::

    >>> import tags
    >>> doc = tags.read(\\"\\"\\"
    ... <a x="1">
    ...   <b>2</b>
    ... </a>
    ... \\"\\"\\")

For example, given this input:

    <servers>
      <server>one</server>
    </servers>
"""


class Template:
    """A template.

    Examples::

        t = Template('/var')
        out = t.expand({'var': 'value',
                        'x': '1024'})
    """

    def __init__(self, text):
        self.text = text

    def expand(self, values):
        return values


def read(text, strict=False):
    if text.startswith("+") or text == "#":
        return 1
    return 0
'''

README = """# tags

```python
>>> mydoc = {
...     'root': {'@id': '7', '#text': 'hi'},
... }
>>> print(tags.write(mydoc, pretty=True, callback=handler))
```

```toml
[table]
key = "value"
```
"""


def test_harvest_reads_prompts_plain_blocks_variables_and_readme_literals():
    files = {"tags.py": TAGS, "README.md": README, "other/x.py": "'''>>> read('no')'''"}
    sources = doc_sources(files, "tags.py")
    assert len(sources) == 2  # the module and the README; not a file of another package
    ex = harvest(sources, "tags", {"read", "write", "Template"})
    # a multi-line >>> call, the module prefix dropped
    assert "read('\\n<a x=\"1\">\\n  <b>2</b>\\n</a>\\n')" in ex.calls
    # a plain ``Examples::`` block: the variable replaced by what built it, lines joined
    assert "Template('/var').expand({'var': 'value', 'x': '1024'})" in ex.calls
    # a README variable set to a literal; a keyword that is not a literal left out
    assert "write({'root': {'@id': '7', '#text': 'hi'}}, pretty=True)" in ex.calls
    # sample documents: an indented block after a colon, a fenced block of another language
    assert repr("<servers>\n  <server>one</server>\n</servers>") in ex.texts
    assert repr('[table]\nkey = "value"') in ex.texts


def test_mutations_rewrite_one_piece_at_a_time_then_two():
    letters = module_letters(TAGS)
    assert letters[:2] == ["+", "#"]
    singles = mutations("Template('/var').expand({'var': 'value', 'x': '1024'})", letters, 200)
    assert "Template('+var').expand({'var': 'value', 'x': '1024'})" in singles  # a code
    assert "Template('/var').expand({'x': '1024'})" in singles  # a key dropped
    assert "Template('/var').expand({'var': ['a', 'b'], 'x': '1024'})" in singles  # a list
    assert "Template('/var').expand({'var': None, 'x': '1024'})" in singles
    assert "Template('/var').expand({'var': 'value', 'x': '0024'})" in singles  # a digit
    pairs = mutations("Template('/var').expand({'var': 'value'})", letters, 60, seed=1)
    two = [p for p in pairs if "'/var'" not in p and "{'var': 'value'}" not in p]
    assert two, pairs  # both the template and the mapping changed in one call
    assert mutations("not python(", letters) == []


def test_drawn_witnesses_write_what_the_walk_cannot_and_the_same_each_run():
    pattern = r"(?P<y>\d{4})-(?P<m>\d\d)(?=Z)"
    assert witnesses(pattern) == []  # a look-ahead at the end: the walk gives up
    drawn = drawn_witnesses(pattern, 2)
    assert drawn and all(re.match(pattern, text) for text in drawn)
    assert drawn == drawn_witnesses(pattern, 2)  # derandomised
    assert drawn_witnesses("(unclosed") == []


DURATION = """
from datetime import timedelta


class Span:
    def __init__(self, days=0, months=0):
        self.days, self.months = days, months

    def __add__(self, other):
        if isinstance(other, Span):
            return Span(self.days + other.days, self.months + other.months)
        return other.replace(month=other.month + self.months) + timedelta(self.days)

    __radd__ = __add__

    def __neg__(self):
        return Span(-self.days, -self.months)

    def __eq__(self, other):
        return isinstance(other, Span) and vars(self) == vars(other)
"""


def test_partner_calls_use_other_states_imported_types_aliases_and_unary_operators():
    values = imported_values(DURATION)
    assert ("datetime.date(2020, 1, 31)", "import datetime") in values  # a sibling type
    info = class_infos(DURATION)["Span"]
    assert "__radd__" in info.dunders  # defined by assignment
    calls = partner_calls(info, ["Span(1, 2)", "Span()"], [], values)
    exprs = {c.expr for c in calls}
    assert "-Span(1, 2)" in exprs
    assert "Span(1, 2) + Span()" in exprs and "Span(1, 2) == Span()" in exprs
    assert "Span(1, 2) + datetime.date(2020, 1, 31)" in exprs
    assert "datetime.date(2020, 1, 31) + Span(1, 2)" in exprs  # the reflected side
    reflected = next(c for c in calls if c.expr.startswith("datetime.date"))
    assert reflected.imports == ("import datetime",)
    assert imported_values("import os\n") == []


def test_planner_adds_documented_examples_after_its_calls_with_long_documents_allowed():
    long_doc = "<r>" + "<i>1</i>" * 40 + "</r>"
    source = f'"""Docs.\n\n>>> read({long_doc!r})\n"""\n' + TAGS.split('"""', 2)[2]
    planner = CallPlanner(find_targets(source), source, "tags")
    calls = planner.first_calls()
    exprs = [c.expr for c in calls]
    # after the earlier strategies' calls (added, crowding nothing out), over 200
    # characters and kept: the authors' own
    first_doc = next(i for i, e in enumerate(exprs) if long_doc in e)
    assert exprs[first_doc] == f"read({long_doc!r})"
    assert first_doc > 0 and all(long_doc not in e for e in exprs[:first_doc])
    assert "read('+" + long_doc[1:] + "')" in exprs  # its first character as a code
    assert "Template('/var')" in planner.builders["Template"]  # a documented receiver
    assert any(c.target == "Template.expand" for c in calls if c.expr.startswith("Template('"))


FORWARD = """
class _Handler:
    def __init__(self, depth=0, attribs=True, callback=lambda *a: True, post=None, sep=':'):
        pass


def parse(text, encoding=None, sep=':', **kwargs):
    handler = _Handler(sep=sep, **kwargs)
    return handler
"""


def test_options_reached_through_kwargs_get_values_other_than_their_defaults():
    options = forwarded_options(FORWARD, "parse", "kwargs")
    assert options == [
        ("depth", "0"), ("attribs", "True"), ("callback", "lambda *a: True"), ("post", "None"),
    ]  # ``sep`` is passed by name: not an option of the caller's  # fmt: skip
    assert option_values("True") == ["False"] and option_values("0") == ["1", "1.5", "2"]
    assert "lambda *a: False" in option_values("lambda *a: True")
    assert "('a', 'b')" in option_values("None") and option_values("_dict") == []
    assert with_option("parse('<a/>')", "depth", "1") == "parse('<a/>', depth=1)"
    assert with_option("parse('<a/>', depth=2)", "depth", "1") is None
    planner = CallPlanner(find_targets(FORWARD), '""">>> parse(\'<a/>\')"""\n' + FORWARD, "m")
    exprs = {c.expr for c in planner.option_calls()}
    assert "parse('<a/>', attribs=False)" in exprs and "parse('<a/>', encoding=True)" in exprs


def test_stream_forms_hand_the_documented_text_as_a_file_and_a_generator():
    forms = dict(stream_forms("parse('<a>1</a>', depth=2)"))
    assert forms["parse(io.StringIO('<a>1</a>'), depth=2)"] == ("import io",)
    assert "parse(io.BytesIO(b'<a>1</a>'), depth=2)" in forms
    assert "parse((part for part in ['<a>1', '</a>']), depth=2)" in forms
    assert stream_forms("parse({'a': 1})") == [] and stream_forms("x") == []


def test_state_receivers_set_each_constructor_option_in_turn():
    planner = CallPlanner(find_targets(DURATION), DURATION, "span")
    states = planner._state_receivers("Span")
    assert states[:4] == ["Span(days=1)", "Span(months=1)", "Span(days=1.5)", "Span(months=1.5)"]

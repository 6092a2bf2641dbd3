"""JS generation from what a body does with its parameters (issue 15, i15l): the file's
regexes and their witnesses, and one sandbox run over a module whose branches need
regex-matching strings, option objects and a helper's type checks."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from devlab.config import Settings
from devlab.testing import ProjectFiles
from devlab.testing.jsgen import generate_js_tests
from devlab.testing.jsregex import js_regexes, to_python

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

MODULE = r"""'use strict';
var KEY = /^[a-z][a-z0-9-]*$/;
var PAIR = /; *([a-z]+)=(\d+) */g;

function header(obj) {
  if (typeof obj.get === 'function') return obj.get('spec');
  if (typeof obj.headers === 'object') return obj.headers && obj.headers.spec;
  return undefined;
}

function parseSpec(text) {
  if (!text) throw new TypeError('text is required');
  var value = typeof text === 'object' ? header(text) : text;
  if (typeof value !== 'string') throw new TypeError('no spec');
  var semi = value.indexOf(';');
  var key = semi === -1 ? value : value.slice(0, semi);
  if (!KEY.test(key)) throw new TypeError('bad key');
  var out = { key: key, params: {} };
  if (semi !== -1) {
    var match;
    var at = semi;
    PAIR.lastIndex = semi;
    while ((match = PAIR.exec(value))) {
      if (match.index !== at) throw new TypeError('bad pair');
      at += match[0].length;
      out.params[match[1]] = Number(match[2]);
    }
    if (at !== value.length) throw new TypeError('trailing text');
  }
  return out;
}

function render(spec, options) {
  if (!spec || typeof spec !== 'object') throw new TypeError('spec is required');
  var opt = options || {};
  var name = spec.name;
  if (!KEY.test(name)) throw new TypeError('bad name');
  var out = name;
  if (Array.isArray(spec.tags)) out += '[' + spec.tags.join(',') + ']';
  if (spec.level === 'high') out += '!';
  switch (opt.style) {
    case 'upper':
      return out.toUpperCase();
    case 'quoted':
      return '"' + out + '"';
    default:
      return out;
  }
}

module.exports = { parseSpec, render };
"""


def test_regexes_are_found_translated_and_witnessed() -> None:
    assert to_python(r"^(?<y>\d{4})-\k<y>$", "i") == r"(?i)^(?P<y>\d{4})-(?P=y)$"
    assert to_python(r"a[^]b\u{41}") == r"a[\s\S]b\U00000041"
    assert to_python(r"[\p{Lu}\d]\p{L}+", "u") == r"[A-Z\d][A-Za-z]+"
    assert to_python(r"\p{Script=Greek}", "u") is None is to_python(r"\cJ") is to_python(r"\P{L}")
    source = (
        "const A = /^[a-z]+-\\d$/i; let x = y / 2 / z;\n"
        'const B = new RegExp("^v(\\\\d+)\\\\.x$");\n'
        "const o = { greek: /\\p{Script=Greek}/u, up: /[\\p{Lu}]/u, tail: /ab+c/ };\n"
        "if (/^\\s*$/.test(s)) {}\n"
    )
    found = js_regexes(source)
    assert [r["name"] for r in found] == ["A", "B", "up", "tail", ""]  # no Greek witnesses
    assert found[4]["raw"] == "/^\\s*$/"
    # every witness is matched by the regex as JavaScript reads it
    checks = {r["raw"] if r["raw"].startswith("/") else "/^v(\\d+)\\.x$/": r["witnesses"]
              for r in found}  # fmt: skip
    script = "const c = %s; for (const [re, ws] of c) for (const w of ws) if (!eval(re).test(w)) throw new Error(re + ' ' + w);"  # noqa: E501
    run = subprocess.run(["node", "-e", script % json.dumps(list(checks.items()))],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert js_regexes("const x = a / b / c;") == [] and js_regexes("") == []


@pytest.mark.sandbox
@pytest.mark.slow
def test_regex_witnesses_and_option_objects_reach_every_branch(lab_settings: Settings) -> None:
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})
    pf = ProjectFiles("spec", None, None, {"lib/spec.js": MODULE},
                      manifests={"package.json": "{}"})  # fmt: skip
    result = generate_js_tests(pf, settings, path="lib/spec.js", target_coverage=100,
                               properties=False)  # fmt: skip
    assert result.after.line_percent == 100, result.test_code
    assert result.kept and all(k.runs == ["passed"] * 3 for k in result.kept)
    code = result.test_code
    for message in ("trailing text", "bad pair", "bad name", "no spec"):
        assert message in code
    assert "tags: [" in code  # an option property the body tests with Array.isArray
    assert "get: (" in code  # the helper's typeof obj.get === 'function'
    assert 'style: "quoted"' in code  # a case of a property read through `var opt = options`
    assert result.suspected_bugs == []


# A module whose branches need (i15p): every case of a switch on what a regex took apart
# (more cases than the regex's own witnesses name), numbers past thresholds the file
# computes (`1 << 30`, `Math.pow(1024, 4)`), and an option compared with `false`.
THRESHOLDS = r"""'use strict';
var MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
  'september', 'october', 'november', 'december'];
var WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
var sec = 1000;
var min = sec * 60;
var hour = min * 60;
var day = hour * 24;
var SIZES = {
  b: 1,
  kb: 1 << 10,
  mb: 1 << 20,
  gb: 1 << 30,
  tb: Math.pow(1024, 4),
};

var UNIT =
  /^(\d+(?:\.\d+)?) *(ms|msecs?|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)$/i;

function duration(val) {
  if (typeof val === 'string' && val.length > 0) return parse(val);
  throw new TypeError('val is not a non-empty string');
}

function parse(text) {
  var match = UNIT.exec(text);
  if (!match) return null;
  var n = parseFloat(match[1]);
  switch (match[2].toLowerCase()) {
    case 'days': case 'day': case 'd':
      return n * day;
    case 'hours': case 'hour': case 'hrs': case 'hr': case 'h':
      return n * hour;
    case 'minutes': case 'minute': case 'mins': case 'min': case 'm':
      return n * min;
    case 'seconds': case 'second': case 'secs': case 'sec': case 's':
      return n * sec;
    case 'msecs': case 'msec': case 'ms':
      return n;
  }
}

function size(bytes, options) {
  if (!Number.isFinite(bytes)) return null;
  var unit = 'B';
  if (bytes >= SIZES.tb) unit = 'TB';
  else if (bytes >= SIZES.gb) unit = 'GB';
  else if (bytes >= SIZES.mb) unit = 'MB';
  else if (bytes >= SIZES.kb) unit = 'KB';
  var text = (bytes / SIZES[unit.toLowerCase()]).toFixed(1) + unit;
  if (options && options.spaced === false) return text;
  return text.replace(/([A-Z]+)$/, ' $1');
}

module.exports = { duration, size, names: MONTHS.concat(WEEKDAYS) };
"""


@pytest.mark.sandbox
@pytest.mark.slow
def test_switch_cases_computed_thresholds_and_false_options(lab_settings: Settings) -> None:
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})
    pf = ProjectFiles("units", None, None, {"units.js": THRESHOLDS},
                      manifests={"package.json": "{}"})  # fmt: skip
    result = generate_js_tests(pf, settings, path="units.js", target_coverage=100,
                               properties=False)  # fmt: skip
    assert result.after.line_percent == 100, result.test_code
    assert result.after.branch_percent == 100, result.test_code
    code = result.test_code
    assert "1099511627776" in code  # Math.pow(1024, 4): the TB threshold, by value
    assert "spaced: false" in code
    assert all(k.runs == ["passed"] * 3 for k in result.kept)

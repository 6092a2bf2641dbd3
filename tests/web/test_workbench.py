"""One scenario per workbench page, end to end in headless chromium against a real
``devlab serve`` (see conftest.py): each drives the page's main flow, saves a
screenshot (checked for content) and runs axe-core (0 serious/critical violations).
The last test checks every REST call the pages made against the OpenAPI document."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import httpx
import pytest
from PIL import Image

from .conftest import AXE, LAB_PROJECT, PASSWORD, PROJECT, REPO, SCREENSHOTS, open_page

expect = pytest.importorskip("playwright.sync_api").expect  # skips with conftest's reason

pytestmark = [pytest.mark.slow]

SPEC = json.dumps(
    {
        "summary": "FizzBuzz for one number",
        "function": "fizz",
        "inputs": ["n: a positive int"],
        "outputs": ["'Fizz', 'Buzz', 'FizzBuzz' or the number"],
        "constraints": ["n >= 1"],
        "examples": [{"input": "3", "output": "Fizz"}],
        "acceptance_tests": ["fizz(3) == 'Fizz'"],
    }
)
TESTS = (
    "```python\nfrom solution import fizz\n\n\ndef test_fizz():\n    assert fizz(3) == 'Fizz'\n\n\n"
    "def test_fizzbuzz():\n    assert fizz(15) == 'FizzBuzz'\n\n\n"
    "def test_number():\n    assert fizz(7) == '7'\n```"
)
WRONG = "```python\ndef fizz(n):\n    return str(n)\n```"
RIGHT = (
    "```python\ndef fizz(n):\n    if n % 15 == 0:\n        return 'FizzBuzz'\n"
    "    if n % 3 == 0:\n        return 'Fizz'\n    if n % 5 == 0:\n        return 'Buzz'\n"
    "    return str(n)\n```"
)
VULNERABLE = """import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    cmd = request.args.get("cmd")
    full = "ls " + cmd
    return subprocess.check_output(full, shell=True)
"""


def check_page(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot (saved, and not blank) + axe-core with no serious violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    image = Image.open(shot).convert("RGB")
    colours = image.resize((200, 200)).getcolors(200 * 200) or []
    assert len(colours) > 20, f"{shot} looks blank ({len(colours)} colours)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: accessibility violations {serious}"


def editor_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator(".cm-content").inner_text()


def store(page, values: dict) -> None:  # type: ignore[no-untyped-def]
    """Put values in the page's localStorage (as the app stores them) and reload."""
    page.evaluate(
        "v => { for (const [k, x] of Object.entries(v))"
        " localStorage.setItem(k, JSON.stringify(x)); }",
        values,
    )
    page.reload()


@pytest.mark.sandbox
def test_sandbox_runs_streams_tests_history_and_companion_edit(page, scripted_model):
    page.goto("/")
    assert page.url.endswith("/devlab/sandbox")
    store(
        page,
        {
            "devlab.sandbox.snippet": "web-test",
            "devlab.sandbox.language": "python",
            "devlab.sandbox.files": {"main.py": "name = input()\nprint(name.upper())\n"},
            "devlab.sandbox.active": "main.py",
            "devlab.sandbox.stdin": "devlab",
            "devlab.sandbox.mode": "run",
        },
    )
    page.get_by_role("button", name="Run", exact=True).click()
    output = page.get_by_label("Program output")
    output.get_by_text("DEVLAB").wait_for()
    page.locator(".result .status").get_by_text("ok").wait_for()

    # an edit, a second run: two versions, their diff, and a restore
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("print('two')")
    page.get_by_role("button", name="Run", exact=True).click()
    output.get_by_text("two").wait_for()
    versions = page.locator("ul.versions li")
    versions.nth(1).wait_for()
    assert versions.count() == 2
    page.get_by_role("button", name="Diff").click()
    assert "+print('two')" in page.get_by_label("Diff between versions").inner_text()
    page.get_by_role("button", name="Restore version 1").click()
    page.locator("ul.versions li").nth(2).wait_for()
    assert "two" not in editor_text(page) and "upper()" in editor_text(page)

    # test mode: per-test results
    store(
        page,
        {
            "devlab.sandbox.files": {
                "main.py": "def add(a,b): return a+b\n",
                "test_main.py": "from main import add\n\n"
                "def test_ok():\n    assert add(1, 2) == 3\n\n"
                "def test_bad():\n    assert add(1, 1) == 3\n",
            },
            "devlab.sandbox.mode": "test",
            "devlab.sandbox.stdin": "",
        },
    )
    page.get_by_role("button", name="Run tests").click()
    caption = page.locator(".result caption")
    caption.get_by_text("Tests: 1/2 passed").wait_for(timeout=60_000)
    assert page.locator("td.o-passed").count() == 1 and page.locator("td.o-failed").count() == 1

    # refactor through the Companion: diff inline, apply, undo
    scripted_model.script(
        "```python\ndef add(a, b):\n    return a + b\n```\nOne statement per line."
    )
    page.get_by_role("button", name="main.py", exact=True).click()
    page.get_by_role("button", name="Refactor").click()
    proposed = page.get_by_label("Proposed change")
    proposed.wait_for()
    assert "+    return a + b" in proposed.inner_text()
    page.get_by_role("button", name="Apply").click()
    assert "return a + b" in editor_text(page)
    page.get_by_role("button", name="Undo apply").click()
    assert "def add(a,b): return a+b" in editor_text(page)
    check_page(page, "sandbox")


@pytest.mark.sandbox
def test_companion_chat_citations_feedback_and_generate(page, scripted_model, server):
    page.goto("/devlab/companion")
    store(
        page,
        {
            "devlab.project": PROJECT,
            "devlab.companion.draft": "",
            "devlab.companion.conversation": None,
            "devlab.companion.withFile": True,
            "devlab.sandbox.files": {"util.py": "def one():\n    return 1\n"},
            "devlab.sandbox.active": "util.py",
            "devlab.sandbox.selection": [1, 2],
        },
    )
    scripted_model.script("A Connection tracks both sides' states and turns bytes into events [1].")
    page.get_by_label("Message").fill("How does Connection turn bytes into events?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("turns bytes into events [1]").wait_for()
    sent = scripted_model.prompts[-1]  # the sandbox's file and selection went as context
    assert "Open file util.py" in sent and "Selected code" in sent and "return 1" in sent
    citation = page.get_by_label("Citations").get_by_role("button").first
    citation.click()
    page.locator("pre.code .hl").first.wait_for()
    # sent: the draft is cleared (when the answer is complete, a moment after its text)
    expect(page.get_by_label("Message")).to_have_value("")

    page.get_by_role("button", name="Helpful", exact=True).click()
    page.get_by_text("marked helpful").wait_for()
    page.get_by_role("button", name="Correct").click()
    page.get_by_label("Correction", exact=True).fill("It also handles pipelining.")
    page.get_by_label("this correction may be used to train").check()
    page.get_by_role("button", name="Save correction").click()
    page.get_by_text("may train the team's models").wait_for()
    feedback = httpx.get(f"{server}/api/v1/devlab/feedback").json()
    assert any(
        f["training_consent"] and f["correction"] == "It also handles pipelining." for f in feedback
    )
    assert page.get_by_label("Conversations").get_by_role("button").count() >= 2

    # generate: each round visible, the verdict at the end
    scripted_model.script(SPEC, TESTS, WRONG, RIGHT)
    page.get_by_label("Requirement").fill("fizzbuzz of one number")
    page.get_by_role("button", name="Generate").click()
    page.locator("p", has_text="Verdict:").wait_for(timeout=120_000)
    assert page.locator(".status.s-passed").first.inner_text() == "passed"
    summaries = page.locator("details summary").all_inner_texts()
    assert summaries[0].startswith("Round 1: failed") and summaries[1].startswith("Round 2: passed")
    assert page.get_by_label("Generation log").locator("li").count() >= 1
    check_page(page, "companion")


def test_chat_reconnects_after_a_lost_connection(page, scripted_model, server):
    """A chat socket that drops before the server got the message reconnects with
    backoff and sends it once; one that drops mid-answer finds the stored answer."""
    page.goto("/devlab/companion")
    store(
        page,
        {
            "devlab.project": PROJECT,
            "devlab.companion.draft": "",
            "devlab.companion.conversation": None,
        },
    )
    tries: list[str] = []

    def route(ws) -> None:  # type: ignore[no-untyped-def]
        tries.append(ws.url)
        if len(tries) == 1:
            ws.close()  # the first connection drops at once: nothing reached the server
            return
        upstream = ws.connect_to_server()
        if len(tries) == 3:  # this one drops after the first streamed piece

            def relay(message) -> None:  # type: ignore[no-untyped-def]
                ws.send(message)
                if '"token"' in message:
                    ws.close()

            upstream.on_message(relay)

    page.route_web_socket(re.compile(r".*/companion/stream$"), route)
    scripted_model.script("A reconnected answer about h11.")
    page.get_by_label("Message").fill("What does h11 parse?")
    page.get_by_role("button", name="Send").click()
    page.locator("#chat-reconnect").get_by_text("reconnecting in").wait_for()
    page.get_by_text("A reconnected answer about h11.").wait_for(timeout=30_000)
    expect(page.get_by_label("Message")).to_have_value("")  # cleared once answered
    conversation = page.evaluate("localStorage.getItem('devlab.companion.conversation')")
    stored = httpx.get(f"{server}/api/v1/devlab/companion/conversations/{conversation}").json()
    asked = [m for m in stored["messages"] if m["role"] == "user"]
    assert [m["content"] for m in asked] == ["What does h11 parse?"]  # sent once

    # dropped mid-answer: the answer the server stored is shown, not asked twice
    scripted_model.script("The second answer, stored while the client was away.")
    page.get_by_label("Message").fill("And what does it write?")
    page.get_by_role("button", name="Send").click()
    page.locator("#chat-reconnect").get_by_text("reconnecting in").wait_for()
    second = "The second answer, stored while the client was away."
    page.get_by_text(second).wait_for(timeout=30_000)
    assert len(tries) == 3
    stored = httpx.get(f"{server}/api/v1/devlab/companion/conversations/{conversation}").json()
    asked = [m["content"] for m in stored["messages"] if m["role"] == "user"]
    assert asked == ["What does h11 parse?", "And what does it write?"]
    expect(page.get_by_label("Message")).to_have_value("")  # cleared once answered


def test_insights_feed_analyse_dismiss_reopen(page):
    page.goto("/devlab/insights")
    store(page, {"devlab.project": PROJECT})
    page.get_by_role("button", name="Analyse now").click()
    page.get_by_role("button", name="Analyse now").wait_for(timeout=120_000)
    rows = page.locator("table.findings tbody tr")
    rows.first.wait_for()
    first = rows.first.locator("button.link")
    title = first.inner_text()
    first.click()
    page.locator(".detail pre.code").wait_for()
    page.get_by_label("Reason").fill("accepted risk in tests")
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_label("Status").select_option("dismissed")
    page.locator("table.findings").get_by_text("accepted risk in tests").first.wait_for()
    # the dismissed finding is still the one opened
    assert page.locator("table.findings button.link").first.inner_text() == title
    page.get_by_role("button", name="Reopen").click()
    page.get_by_text("Nothing here.").wait_for()
    page.get_by_label("Status").select_option("open")
    check_page(page, "insights")


def test_reverse_upload_progress_taint_path_and_diagram(page, tmp_path):
    archive = tmp_path / "vuln.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("app.py", VULNERABLE)
        z.writestr("requirements.txt", "flask==0.12\n")
    page.goto("/devlab/reverse")
    page.get_by_label("ZIP archive").set_input_files(str(archive))
    page.get_by_label("Project name").fill("vuln")
    page.get_by_role("button", name="Upload and analyse").click()
    page.get_by_role("status").get_by_text("Analysed").wait_for(timeout=120_000)
    page.get_by_label("Project", exact=True).select_option("vuln")
    security = page.get_by_label("Security findings", exact=True)
    security.get_by_role("button", name="OS command injection").first.click()
    steps = page.get_by_label("Taint path").locator("li")
    steps.first.wait_for()
    assert steps.count() >= 3 and "sink" in steps.last.inner_text()
    marks = page.locator(".detail .mark")
    marks.first.wait_for()  # the code arrives after the finding (GET .../file)
    assert marks.count() >= 2  # steps marked on the code

    page.get_by_label("Project", exact=True).select_option(PROJECT)
    page.get_by_role("button", name="Render").click()
    diagram = page.locator(".diagram img")
    diagram.wait_for()
    page.wait_for_function("document.querySelector('.diagram img').complete")
    fitted = float(re.search(r"scale\(([\d.]+)\)", diagram.get_attribute("style")).group(1))
    assert 0 < fitted <= 1  # the whole diagram in view first
    page.get_by_role("button", name="Zoom in").click()
    zoomed = float(re.search(r"scale\(([\d.]+)\)", diagram.get_attribute("style")).group(1))
    assert zoomed == pytest.approx(fitted * 1.25, rel=1e-3)
    check_page(page, "reverse")


def test_search_and_navigation(page):
    page.goto(f"/devlab/search?project={PROJECT}")
    page.get_by_label("Query").fill("Connection")
    page.get_by_label("Mode").select_option("lexical")
    page.get_by_role("button", name="Search").click()
    results = page.locator("ol.results li")
    results.first.wait_for()
    results.first.locator("button.link").first.click()
    page.locator("pre.code .hl").first.wait_for()
    page.get_by_label("Symbol").fill("Connection")
    page.get_by_role("button", name="Definition", exact=True).click()
    page.get_by_text(re.compile(r"definitions of Connection: [1-9]")).wait_for()
    page.get_by_label("Symbol").fill("Request")
    page.get_by_role("button", name="References", exact=True).click()
    page.get_by_text(re.compile(r"references of Request: [1-9]")).wait_for()
    page.get_by_label("Symbol").fill("_body_framing")
    page.get_by_role("button", name="Callers", exact=True).click()
    page.get_by_text(re.compile(r"callers of _body_framing: [1-9]")).wait_for()
    check_page(page, "search")


def test_datasets_build_and_browse(page):
    page.goto(f"/devlab/datasets?project={PROJECT}")
    page.get_by_label("Dataset name").fill("webtest")
    for kind in ("completion", "doc-to-code", "code-to-tests", "bug-fix", "refactor"):
        page.get_by_label(kind, exact=True).uncheck()
    page.get_by_label("code-to-doc", exact=True).check()
    page.get_by_role("button", name="Build").click()
    page.get_by_role("button", name="webtest@v1").click(timeout=120_000)
    page.locator("details summary").first.wait_for()
    assert "code-to-doc" in page.locator("details summary").first.inner_text()
    page.locator(".card").wait_for()
    check_page(page, "datasets")


def test_models_activate_rollback_loss_curve_and_errors(page):
    page.goto("/devlab/models")
    v1, v2 = (page.locator("tr", has_text=f"team-coder@v{n}") for n in (1, 2))
    v2.wait_for()
    page.get_by_label("For task").select_option("chat")
    page.get_by_role("button", name="Activate team-coder@v1").click()
    v1.get_by_text("chat").wait_for()
    page.get_by_role("button", name="Activate team-coder@v2").click()
    v2.get_by_text("chat").wait_for()
    assert "chat" not in v1.inner_text()
    page.get_by_role("button", name="Roll back").click()
    v1.get_by_text("chat").wait_for()
    page.get_by_role("button", name="Roll back").click()  # back to the configured model
    page.wait_for_function("!document.querySelector('tbody').innerText.includes('chat')")
    page.get_by_role("button", name="Roll back").click()
    assert "never activated" in page.locator("#models-error").inner_text()

    page.get_by_role("button", name="Training run of team-coder@v2").click()
    chart = page.get_by_role("img", name=re.compile("Loss from 3.100 to 1.800 over 5 steps"))
    chart.wait_for()
    assert page.locator(".chart circle").count() == 5

    page.get_by_label("Suite").fill("no-such-dataset")
    page.get_by_role("button", name="Evaluate").click()
    page.locator("#eval-error").wait_for()
    assert "no-such-dataset" in page.locator("#eval-error").inner_text()
    page.get_by_label("A", exact=True).fill("998")
    page.get_by_label("B", exact=True).fill("999")
    page.get_by_role("button", name="Compare").click()
    page.locator("#compare-error").wait_for()
    assert "998" in page.locator("#compare-error").inner_text()
    check_page(page, "models")


@pytest.mark.sandbox
def test_testing_console_coverage_generate_with_proof_and_mutation(page):
    page.goto(f"/devlab/testing?project={LAB_PROJECT}")
    page.get_by_text("Not measured yet").wait_for()
    page.get_by_role("button", name="Measure coverage").click()
    summary = page.get_by_role("status").filter(has_text="branches")
    summary.wait_for(timeout=120_000)
    assert summary.locator(".status").inner_text() == "ok"
    page.get_by_role("button", name="calc/util.py").click()
    code = page.get_by_label("Coverage of calc/util.py")
    code.locator(".line.miss").first.wait_for()
    missed = code.locator(".line.miss").all_inner_texts()
    assert any("return a / b" in line for line in missed)  # ratio() is never called
    assert not any("return hi" in line for line in missed)  # test_clamp_high covers it
    page.get_by_role("button", name="shout", exact=True).click()
    assert "def shout" in code.locator(".fn-start").inner_text()

    # the measurement put coverage gaps in the insights feed; one leads back here
    page.get_by_role("navigation").get_by_role("link", name="Insights").click()
    page.get_by_role("tab", name="Coverage gaps").click()
    page.get_by_role("button", name="ratio is not run by any test").click()
    page.get_by_role("link", name="Generate tests for it in the Testing console").click()
    page.get_by_role("heading", name="Testing", exact=True).wait_for()
    assert page.get_by_label("Function").input_value() == "ratio"
    assert page.get_by_label("File", exact=True).input_value() == "calc/util.py"
    page.get_by_role("button", name="calc/util.py").click()

    # generate tests for shout(): each kept test's three sandbox runs, the proof, the diff
    page.get_by_role("button", name="Target shout").click()
    assert page.get_by_label("Function").input_value() == "shout"
    page.get_by_role("button", name="Generate tests", exact=True).click()
    result = page.get_by_role("region", name="Generated tests for calc/util.py")
    result.wait_for(timeout=240_000)
    kept = result.get_by_role("table", name="Kept tests").locator("tbody tr")
    assert kept.count() >= 1
    assert kept.first.locator("td").nth(2).inner_text().split() == ["passed"] * 3
    proof = result.get_by_label("Proof run")
    assert "ok" in proof.inner_text() and "0 generated tests failing" in proof.inner_text()
    diff = result.get_by_label("Generated tests diff").inner_text()
    assert "+def test_" in diff and "shout" in diff

    # mutation testing of shout with the project's own tests (which never call it)
    page.get_by_role("button", name="Run mutation testing").click()
    mutation = page.get_by_role("region", name="Mutation score of calc/util.py")
    mutation.wait_for(timeout=240_000)
    assert re.search(r"\d+/[1-9]\d* mutants killed", mutation.inner_text())
    assert mutation.locator("details").count() >= 1  # survivors, each with its diff
    history = page.get_by_role("region", name="History")
    history.get_by_role("button", name="mutation calc/util.py").first.click()  # reopened
    page.get_by_role("region", name="Mutation score of calc/util.py").wait_for()
    history.get_by_role("button", name="generate calc/util.py").first.click()
    page.get_by_role("region", name="Generated tests for calc/util.py").wait_for()

    # a chaos scenario against the project's Flask service (calc/web.py) in the sandbox
    panel = page.get_by_role("region", name="Chaos scenarios")
    panel.get_by_label("Scenario").select_option("database-down")
    panel.get_by_role("button", name="Run scenario").click()
    chaos = page.get_by_role("region", name="The database refuses connections: degraded")
    chaos.wait_for(timeout=120_000)
    assert "First failure (during) at calc/web.py:10" in chaos.inner_text()
    phases = chaos.get_by_role("table", name="Steady state per phase").locator("tbody tr")
    assert phases.count() == 3
    check_page(page, "testing")


@pytest.mark.sandbox
def test_sign_in_roles_and_sign_out(browser, auth_server, api_calls):
    """A server with accounts: the sign-in form (the server's message on a wrong
    password), a viewer's controls disabled with the reason, the session kept over a
    reload, sign-out, and an admin's POST through the session cookie + CSRF token."""
    context, page, errors = open_page(browser, auth_server, api_calls)
    try:
        page.goto(f"/devlab/testing?project={LAB_PROJECT}")
        page.evaluate("localStorage.setItem('devlab.token', 'dlt_1_revoked')")  # a stale token
        page.reload()
        page.get_by_role("heading", name="Sign in").wait_for()
        page.get_by_label("User name").fill("vic")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
        error = page.locator("#signin-error")
        error.wait_for()
        assert error.inner_text().strip() and page.get_by_label("User name").input_value() == "vic"
        assert page.locator("#signin-sso").count() == 0  # no single sign-on configured here
        check_page(page, "signin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Testing", exact=True).wait_for()
        page.get_by_text("Signed in as vic (viewer on calc)").wait_for()
        note = "needs the developer role on calc (you have viewer)"
        page.get_by_text(note).first.wait_for()  # the roles come with the OpenAPI document
        expect(page.get_by_role("button", name="Measure coverage")).to_be_disabled()
        expect(page.get_by_role("button", name="Generate tests", exact=True)).to_be_disabled()
        # a viewer reads: the coverage (none yet) loads without an error
        page.get_by_text("Not measured yet").wait_for()

        page.reload()  # the session cookie keeps the sign-in
        page.get_by_text("Signed in as vic").wait_for()
        page.goto("/devlab/models")
        page.get_by_role("heading", name="Models", exact=True).wait_for()
        page.get_by_text("needs the maintainer role").first.wait_for()
        expect(page.get_by_role("button", name="Train", exact=True)).to_be_disabled()
        expect(page.get_by_role("button", name="Roll back")).to_be_disabled()
        page.goto("/devlab/sandbox")
        page.locator(".cm-content").wait_for()
        expect(page.get_by_role("button", name="Explain")).to_be_enabled()  # viewers may ask
        expect(page.get_by_role("button", name="Run", exact=True)).to_be_disabled()
        expect(page.get_by_role("button", name="Refactor")).to_be_disabled()
        history = page.get_by_role("region", name="Version history")
        history.get_by_text("needs the developer role").wait_for()  # not a 403 after the fact
        assert page.get_by_role("alert").count() == 0, page.get_by_role("alert").all_inner_texts()
        for name in ("companion", "insights", "reverse", "search", "datasets", "jobs"):
            page.goto(f"/devlab/{name}?project={LAB_PROJECT}")  # a viewer reads every page
            page.locator("main h1").wait_for()
            page.wait_for_load_state("networkidle")
            alerts = page.get_by_role("alert").all_inner_texts()
            assert not alerts, f"/devlab/{name} as a viewer: {alerts}"

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="Sign in").wait_for()
        page.get_by_label("User name").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as ada (admin)").wait_for()
        page.goto(f"/devlab/testing?project={LAB_PROJECT}")
        page.get_by_role("button", name="Measure coverage").click()  # a POST: cookie + CSRF
        summary = page.get_by_role("status").filter(has_text="branches")
        summary.wait_for(timeout=120_000)
        assert summary.locator(".status").inner_text() == "ok"
        assert page.locator("#coverage-error").count() == 0
        check_page(page, "testing-admin")
        # the API Builder's own page works on the same session (its POSTs carry the CSRF token)
        page.get_by_role("link", name="API builder").click()
        page.get_by_label("New design name").fill("shop")
        page.get_by_role("button", name="Create").click()
        page.locator("#designs li", has_text="shop").wait_for()
        assert "error" not in (page.locator("#status").get_attribute("class") or "")
        # the execute WebSocket rides on the session cookie too; the header fits a phone
        page.goto("/devlab/sandbox")
        store(
            page,
            {
                "devlab.sandbox.mode": "run",
                "devlab.sandbox.language": "python",
                "devlab.sandbox.files": {"main.py": "print('as ada')\n"},
                "devlab.sandbox.active": "main.py",
                "devlab.sandbox.stdin": "",
            },
        )
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_label("Program output").get_by_text("as ada").wait_for(timeout=60_000)
        page.set_viewport_size({"width": 390, "height": 844})
        page.get_by_role("button", name="Sign out").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the signed-in header overflows at 390 px ({width} px)"
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def test_models_page_starts_a_training_run_and_shows_its_live_loss(page, served):
    """A real LoRA run started from the Train form: a tiny random Llama (built offline,
    as the training tests do) on a tiny dataset, 6 steps on the CPU; the page shows the
    run's job, its status and its loss curve, then the new version in the table."""
    pytest.importorskip("peft")
    from devlab.config import Settings
    from devlab.store.db import Database
    from training.model_helpers import write_dataset, write_hf_model

    _, home = served
    base = write_hf_model(home / "tiny-llama")
    db = Database(Settings(home=home))
    try:
        write_dataset(Settings(home=home), db, name="tiny")
    finally:
        db.close()
    config = {
        "base_model": str(base),
        "device": "cpu",
        "context_length": 64,
        "batch_size": 4,
        "gradient_accumulation": 1,
        "learning_rate": 0.03,
        "warmup_steps": 0,
        "lora_rank": 8,
        "eval_every": 3,
        "early_stopping_patience": 0,
    }
    page.goto("/devlab/models")
    store(page, {"devlab.train.run": None, "devlab.train.config": ""})
    panel = page.get_by_role("region", name="Training run")
    panel.get_by_label("Dataset").select_option("tiny@1")
    panel.get_by_label("Steps").fill("6")
    page.get_by_text("Run config", exact=True).click()
    page.get_by_label("Run config overrides").fill("[1, 2]")
    page.get_by_role("button", name="Train", exact=True).click()
    assert "must be a JSON object" in page.locator("#train-error").inner_text()
    page.get_by_label("Run config overrides").fill(json.dumps(config))
    page.get_by_role("button", name="Train", exact=True).click()
    panel.get_by_role("link", name=re.compile(r"^[0-9a-f]{8}$")).wait_for()  # its job
    panel.locator(".status.s-succeeded").wait_for(timeout=240_000)
    chart = panel.get_by_role("img", name=re.compile(r"Loss from [\d.]+ to [\d.]+ over 6 steps"))
    chart.wait_for()
    page.locator("tr", has_text="tiny@v1").get_by_text("ready").wait_for()
    assert page.locator("#train-error").count() == 0


def test_jobs_list_and_log(page):
    page.goto("/devlab/jobs")
    first = page.locator("tbody tr button.link").first
    first.wait_for()
    first.click()
    page.get_by_label("Job log").wait_for()
    page.locator(".panel strong.status").first.wait_for()
    check_page(page, "jobs")


def test_bad_input_shows_the_reason_and_keeps_what_was_typed(page, tmp_path):
    # a refused upload (path traversal) shows the server's reason at the upload
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../escape.py", "print('out')\n")
    page.goto("/devlab/reverse")
    page.get_by_label("ZIP archive").set_input_files(str(evil))
    page.get_by_role("button", name="Upload and analyse").click()
    error = page.locator("#analyze-error")
    error.wait_for(timeout=60_000)
    assert ".." in error.inner_text() or "outside" in error.inner_text()
    assert page.locator("progress").count() == 0

    # a chat the server refuses (over the 20,000 character cap) keeps the draft and says why
    long_draft = "why? " * 4001
    page.goto("/devlab/companion")
    store(page, {"devlab.companion.draft": long_draft})
    page.get_by_role("button", name="Send").click()
    page.locator("#chat-error").wait_for()
    assert "message" in page.locator("#chat-error").inner_text()
    assert page.get_by_label("Message").input_value() == long_draft
    page.reload()
    assert page.get_by_label("Message").input_value() == long_draft

    # a lost WebSocket says so; the code is still there
    page.goto("/devlab/sandbox")
    store(
        page,
        {
            "devlab.sandbox.mode": "run",
            "devlab.sandbox.files": {"main.py": "print(1)\n"},
            "devlab.sandbox.active": "main.py",
        },
    )
    page.route_web_socket(re.compile(r".*/execute/stream$"), lambda ws: ws.close())
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator("#run-error").get_by_text("connection to the server was lost").wait_for()
    assert "print(1)" in editor_text(page)

    # a validation error from the server shows its message next to the control
    page.goto(f"/devlab/search?project={PROJECT}")
    page.get_by_label("Symbol").fill("")
    page.get_by_role("button", name="Definition", exact=True).click()
    assert "type a symbol name" in page.locator("#nav-error").inner_text()


PAGES = [
    "sandbox",
    "companion",
    "insights",
    "reverse",
    "search",
    "testing",
    "datasets",
    "models",
    "jobs",
]


def test_every_page_fits_a_phone_and_the_dark_theme_is_accessible(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for name in PAGES:
            page.goto(f"/devlab/{name}?project={PROJECT}")
            page.locator("main h1").wait_for()
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"/devlab/{name} overflows sideways at 390 px ({width} px)"
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("navigation").get_by_role("link", name="Search").click()
        assert page.url.endswith("/devlab/search")
        page.get_by_role("button", name="Switch to dark theme").click()
        # the theme is applied by an effect after the click's render
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
        check_page(page, "search-dark-phone")
        page.goto("/devlab/sandbox")
        page.locator(".cm-content").wait_for()
        check_page(page, "sandbox-dark-phone")
        # the API Builder's own page (served by its capability, a full navigation from
        # the menu) fits a phone too
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("navigation").get_by_role("link", name="API builder").click()
        page.get_by_role("heading", name="API Builder", exact=True).wait_for()
        assert page.url.endswith("/devlab/api") and page.locator("#canvas").count() == 1
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"/devlab/api overflows sideways at 390 px ({width} px)"
        check_page(page, "api-phone")
        favicon = httpx.get(f"{server}/favicon.ico")
        assert favicon.status_code == 200 and b"<svg" in favicon.content
    finally:
        context.close()


def _route_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def test_every_ui_call_is_a_documented_route(server, api_calls):
    """The route table of the front end, and every call the pages made in these
    scenarios, match a path + method of the server's OpenAPI document."""
    spec = httpx.get(f"{server}/openapi.json", timeout=60).json()  # built on first use
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    source = (REPO / "web" / "src" / "api.ts").read_text(encoding="utf-8")
    table = re.findall(r'^\s+\w+: \["(GET|POST|PATCH|PUT|DELETE)", "([^"]+)"\]', source, re.M)
    assert len(table) >= 40
    missing = [f"{m} {p}" for m, p in table if (m, p) not in documented]
    assert not missing, f"UI routes not in the OpenAPI document: {missing}"
    patterns = [(m, _route_pattern(p)) for m, p in documented]
    assert len(api_calls.seen) >= 25, sorted(api_calls.seen)
    undocumented = [
        f"{m} {p}"
        for m, p in sorted(api_calls.seen)
        if not any(m == dm and rx.match(p) for dm, rx in patterns)
    ]
    assert not undocumented, f"calls the pages made that OpenAPI does not document: {undocumented}"
    # the scenarios above reached the Testing console's, sign-in's, training's and the
    # API Builder page's calls too
    made = {
        ("GET", "/api/v1/devlab/auth/me"),
        ("POST", "/api/v1/devlab/auth/login"),
        ("GET", "/api/v1/devlab/auth/methods"),
        ("POST", "/api/v1/devlab/auth/logout"),
        ("POST", "/api/v1/devlab/testing/coverage"),
        ("GET", "/api/v1/devlab/testing/coverage"),
        ("POST", "/api/v1/devlab/testing/generate"),
        ("POST", "/api/v1/devlab/testing/mutation"),
        ("GET", "/api/v1/devlab/testing/runs"),
        ("POST", "/api/v1/devlab/training/runs"),
        ("POST", "/api/v1/devlab/api/designs"),
    }
    assert made <= api_calls.seen, sorted(made - api_calls.seen)
    assert any(p.startswith("/api/v1/devlab/testing/runs/") for _, p in api_calls.seen)
    # the two WebSocket doors OpenAPI cannot list are served by the app
    sockets = re.findall(r'^\s+\w+: "(/api/[^"]+)"', source, re.M)
    assert sorted(sockets) == ["/api/v1/devlab/companion/stream", "/api/v1/devlab/execute/stream"]


def test_screenshots_were_saved(server):
    saved = sorted(p.name for p in Path(SCREENSHOTS).glob("*.png"))
    assert {"sandbox.png", "companion.png", "reverse.png", "search.png"} <= set(saved)

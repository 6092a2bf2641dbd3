"""Consent to train on a correction: given with the feedback or later, withdrawn, shown
in listings, through the library, a real server and the real CLI (the scripted model
answers)."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from devlab.cli import app
from devlab.companion import (
    ChatRequest,
    FeedbackRequest,
    chat,
    delete_conversation,
    list_feedback,
    record_feedback,
    set_training_consent,
)
from devlab.errors import NotFound
from devlab.store.models import FeedbackRow, Project
from helpers import assert_error_shape

API = "/api/v1/devlab"


def _shop_id(bench) -> int:  # type: ignore[no-untyped-def]
    with bench.db.session() as s:
        return s.scalar(select(Project.id).where(Project.name == "shop"))


def _cli(shop, *args: str):  # type: ignore[no-untyped-def]
    env = {"DEVLAB_DATABASE_URL": shop.settings.database_url or None}
    return CliRunner().invoke(app, ["--home", str(shop.settings.home), *args], env=env)


def test_consent_is_off_unless_given_and_the_project_outlives_the_conversation(shop, scripted):
    scripted("apply_discount [1].")
    answer = chat(shop, ChatRequest(message="discount?", project="shop"))
    plain = record_feedback(shop.db, FeedbackRequest(message_id=answer.message_id, rating="up"))
    assert plain.training_consent is False and plain.project_id == _shop_id(shop)
    given = record_feedback(
        shop.db,
        FeedbackRequest(
            message_id=answer.message_id, correction="pricing.py:6", training_consent=True
        ),
    )
    assert given.training_consent is True
    delete_conversation(shop.db, answer.conversation_id)
    kept = {f.id: f for f in list_feedback(shop.db)}
    assert kept[given.id].project_id == _shop_id(shop) and kept[given.id].message_id is None
    assert set_training_consent(shop.db, given.id, False).training_consent is False
    with shop.db.session() as s:
        assert s.get(FeedbackRow, given.id).training_consent is False
    with pytest.raises(NotFound):
        set_training_consent(shop.db, 9999, True)


def test_rest_consent_given_withdrawn_listed_and_bad_input(server, model, shop):
    model.replies.append("apply_discount [1].")
    answer = httpx.post(
        f"{server}{API}/companion/chat", json={"message": "discount?", "project": "shop"}
    ).json()
    body = {"message_id": answer["message_id"], "correction": "It is in shop/pricing.py."}
    # a non-boolean consent is refused, never read as yes
    for bad in ("yes", 1, "true", None, [True]):
        assert_error_shape(
            httpx.post(f"{server}{API}/feedback", json={**body, "training_consent": bad}), 422
        )
    assert list_feedback(shop.db) == []  # nothing stored by a refused request
    unknown = httpx.post(
        f"{server}{API}/feedback", json={**body, "message_id": 4242, "training_consent": True}
    )
    assert "4242" in assert_error_shape(unknown, 404)["error"]
    default = httpx.post(f"{server}{API}/feedback", json=body)
    assert default.status_code == 201 and default.json()["training_consent"] is False
    given = httpx.post(f"{server}{API}/feedback", json={**body, "training_consent": True})
    assert given.status_code == 201, given.text
    info = given.json()
    assert info["training_consent"] is True and info["project_id"] == _shop_id(shop)
    listed = {f["id"]: f for f in httpx.get(f"{server}{API}/feedback").json()}
    assert listed[info["id"]]["training_consent"] is True
    assert listed[default.json()["id"]]["training_consent"] is False
    withdrawn = httpx.patch(
        f"{server}{API}/feedback/{info['id']}", json={"training_consent": False}
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["training_consent"] is False
    again = httpx.patch(f"{server}{API}/feedback/{info['id']}", json={"training_consent": True})
    assert again.json()["training_consent"] is True
    assert_error_shape(
        httpx.patch(f"{server}{API}/feedback/{info['id']}", json={"training_consent": "no"}), 422
    )
    assert_error_shape(httpx.patch(f"{server}{API}/feedback/{info['id']}", json={}), 422)
    assert_error_shape(
        httpx.patch(f"{server}{API}/feedback/777", json={"training_consent": False}), 404
    )
    assert httpx.get(f"{server}{API}/feedback").json()[0]["training_consent"] is True


def test_cli_feedback_consent_listing_and_withdrawal(shop, model):
    model.replies.append("It discounts.")
    answer = json.loads(
        _cli(shop, "explain", "--project", "shop", "--symbol", "apply_discount", "--json").stdout
    )
    helped = _cli(shop, "feedback", "--help")
    assert "--consent" in helped.stdout and "train" in helped.stdout
    given = _cli(
        shop, "feedback", str(answer["message_id"]), "--correction", "Halves big orders.",
        "--consent", "--json",
    )  # fmt: skip
    assert given.exit_code == 0, given.output
    info = json.loads(given.stdout)
    assert info["training_consent"] is True and info["correction"] == "Halves big orders."
    plain = _cli(shop, "feedback", str(answer["message_id"]), "--down")
    assert plain.exit_code == 0 and "not used for training" in plain.stdout
    listed = _cli(shop, "feedback")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert "consent yes" in next(line for line in lines if line.split()[0] == str(info["id"]))
    assert "consent no" in lines[0]  # newest first: the plain thumbs down
    as_json = json.loads(_cli(shop, "feedback", "--json").stdout)
    assert [f["training_consent"] for f in as_json] == [False, True]
    withdrawn = _cli(shop, "feedback-consent", str(info["id"]), "--withdraw")
    assert withdrawn.exit_code == 0 and "withdrawn" in withdrawn.stdout
    assert list_feedback(shop.db)[1].training_consent is False
    assert "given" in _cli(shop, "feedback-consent", str(info["id"])).stdout
    assert _cli(shop, "feedback-consent", "999").exit_code != 0
    assert _cli(shop, "feedback", "--consent").exit_code == 2  # consent to what?

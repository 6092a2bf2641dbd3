"""Chat orchestration with the scripted model: context, citations, licences, history,
fitting by priority, and what bad input and a failing provider do."""

from __future__ import annotations

import pytest

from devlab.companion import (
    ActiveFile,
    ChatRequest,
    EmptyInput,
    Selection,
    chat,
    get_conversation,
    list_conversations,
)
from devlab.errors import InvalidInput, NotFound
from devlab.llm.base import ProviderError, ProviderTimeout
from helpers import git, write_tree


def test_chat_answer_cites_the_numbered_chunks_it_refers_to(shop, scripted):
    model = scripted("Discounts happen in apply_discount [1].")
    answer = chat(shop, ChatRequest(message="where is the discount applied?", project="shop"))
    prompt = model.prompt()
    assert "[1] shop/pricing.py:6-10 (apply_discount)" in prompt
    assert "Project structure:" in prompt and "Question: where is the discount" in prompt
    assert answer.answer == "Discounts happen in apply_discount [1]."
    assert answer.provider == "scripted" and answer.prompt_version == "chat@1"
    [cited] = answer.citations
    assert (cited.path, cited.start_line, cited.end_line) == ("shop/pricing.py", 6, 10)
    assert cited.cited and cited.symbol == "apply_discount" and cited.licence is None
    assert any(c.startswith("chunk:") for c in answer.context)
    assert any(c.startswith("repomap:") for c in answer.context)


def test_citation_of_code_under_another_licence_names_that_licence(shop, scripted):
    scripted("Pad with shop/padding.py, then discount with shop/pricing.py.")
    answer = chat(shop, ChatRequest(message="left_pad and apply_discount", project="shop"))
    by_path = {c.path: c for c in answer.citations}
    assert by_path["shop/padding.py"].licence == "GPL-3.0-only"
    assert by_path["shop/padding.py"].cited
    # the project's own (MIT) code carries no licence note
    assert by_path["shop/pricing.py"].licence is None


def test_an_answer_citing_nothing_lists_the_context_sources_as_uncited(shop, scripted):
    scripted("It multiplies by 0.9 above a threshold.")
    answer = chat(shop, ChatRequest(message="apply_discount threshold", project="shop"))
    assert answer.citations and not any(c.cited for c in answer.citations)
    assert "shop/pricing.py" in {c.path for c in answer.citations}


def test_conversation_keeps_turns_and_sends_them_as_history(shop, scripted):
    model = scripted("First answer [1].", "Second answer.")
    first = chat(shop, ChatRequest(message="what does Cart.total do?", project="shop"))
    second = chat(
        shop,
        ChatRequest(message="and add_item?", project="shop", conversation_id=first.conversation_id),
    )
    assert second.conversation_id == first.conversation_id
    roles = [m.role for m in model.calls[1]]
    assert roles == ["system", "user", "assistant", "user"]
    assert model.calls[1][1].content == "what does Cart.total do?"
    assert model.calls[1][2].content == "First answer [1]."
    stored = get_conversation(shop.db, first.conversation_id)
    assert [m.role for m in stored.messages] == ["user", "assistant", "user", "assistant"]
    assert stored.project == "shop" and stored.messages[1].citations[0]["ref"] == 1
    assert f"message:{stored.messages[0].id}" in second.context


def test_active_file_and_selection_go_into_the_prompt(shop, scripted):
    model = scripted("It sums the items.")
    req = ChatRequest(
        message="explain the selection",
        project="shop",
        active_file=ActiveFile(
            path="shop/cart.py", selection=Selection(start_line=16, end_line=19)
        ),
    )
    answer = chat(shop, req)
    prompt = model.prompt()
    assert "Open file shop/cart.py:" in prompt
    assert "Selected code (shop/cart.py:16-19):" in prompt
    assert "subtotal = sum(price * qty" in prompt
    assert (
        "selection:shop/cart.py:16-19" in answer.context and "file:shop/cart.py" in answer.context
    )


def test_small_window_keeps_selection_and_drops_less_important_context(shop, scripted):
    model = scripted("Short.", context_window=700)
    req = ChatRequest(
        message="what is this?",
        project="shop",
        max_tokens=100,
        active_file=ActiveFile(
            path="notes.py", content="x = 1\n" * 400, selection=Selection(start_line=1, end_line=2)
        ),
    )
    answer = chat(shop, req)
    assert answer.context[0] == "selection:notes.py:1-2"
    total = sum(model.count_tokens(m.content) for m in model.calls[0])
    assert total <= 700 - 100
    assert "(cut to fit)" in model.prompt() or "file:notes.py" not in answer.context


def test_recent_changes_come_from_the_working_tree_diff(bench, scripted, tmp_path):
    repo = write_tree(tmp_path / "wt", {"app.py": "def hello():\n    return 'hi'\n"})
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    (repo / "app.py").write_text("def hello():\n    return 'hello there'\n")
    model = scripted("You changed the greeting.")
    chat(bench, ChatRequest(message="what did I change?", working_tree=str(repo)))
    assert "Recent changes:" in model.prompt()
    assert "+    return 'hello there'" in model.prompt()


def test_unknown_conversation_is_404_and_empty_message_is_400(shop, scripted):
    scripted()
    with pytest.raises(NotFound) as err:
        chat(shop, ChatRequest(message="hi", conversation_id=999))
    assert err.value.status_code == 404 and "999" in err.value.message
    with pytest.raises(EmptyInput) as empty:
        chat(shop, ChatRequest(message="   ", project="shop"))
    assert empty.value.status_code == 400


@pytest.mark.parametrize(("error", "status"), [(ProviderError, 502), (ProviderTimeout, 504)])
def test_provider_failure_names_it_and_keeps_the_conversation(shop, scripted, error, status):
    scripted(error("connection refused"))
    with pytest.raises(ProviderError) as err:
        chat(shop, ChatRequest(message="where is the discount?", project="shop"))
    exc = err.value
    assert exc.status_code == status and "scripted" in exc.message
    conversation_id = exc.detail["conversation_id"]
    kept = get_conversation(shop.db, conversation_id)
    assert [m.content for m in kept.messages] == ["where is the discount?"]
    # the conversation goes on once the provider is back
    scripted("Back: apply_discount [1].")
    again = chat(
        shop,
        ChatRequest(
            message="where is the discount?", project="shop", conversation_id=conversation_id
        ),
    )
    assert again.conversation_id == conversation_id


def test_chat_streams_tokens_that_add_up_to_the_answer(shop, scripted):
    scripted("Tokens arrive one by one [1].")
    pieces: list[str] = []
    answer = chat(shop, ChatRequest(message="discount", project="shop"), on_token=pieces.append)
    assert len(pieces) > 3 and "".join(pieces) == answer.answer


def test_a_follow_up_keeps_the_conversations_project(shop, scripted):
    model = scripted("apply_discount [1].", "Still apply_discount [1].")
    first = chat(shop, ChatRequest(message="discount?", project="shop"))
    again = chat(
        shop, ChatRequest(message="threshold discount?", conversation_id=first.conversation_id)
    )
    assert "[1] shop/pricing.py" in model.prompt(1) and again.citations


def test_bad_context_input_stores_nothing(shop, scripted):
    scripted()
    bad = ActiveFile(path="shop/cart.py", selection=Selection(start_line=90, end_line=95))
    with pytest.raises(InvalidInput, match=r"outside shop/cart\.py"):
        chat(shop, ChatRequest(message="what is this?", project="shop", active_file=bad))
    with pytest.raises(NotFound, match="not in the project"):
        chat(
            shop, ChatRequest(message="what?", project="shop", active_file=ActiveFile(path="x.py"))
        )
    assert list_conversations(shop.db) == []

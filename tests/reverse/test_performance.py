"""Performance insights for Python: each rule fires on the slow shape and not on the fix."""

from __future__ import annotations

import pytest

from devlab.reverse.performance import scan_python_performance


def _rules(code: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for f in scan_python_performance("app/views.py", code):
        assert f.category == "performance" and f.fix and f.message
        out.setdefault(f.rule_id, []).append(f.start_line)
    return out


def test_n_plus_one_queries_are_found_in_loops_and_comprehensions():
    code = (
        "def totals(cursor, orders):\n"
        "    out = []\n"
        "    for order in orders:\n"
        "        cursor.execute('select sum(x) from items where order_id = ?', (order.id,))\n"
        "        out.append(cursor.fetchone())\n"
        "    names = [Customer.objects.get(pk=o.customer_id).name for o in orders]\n"
        "    return out, names\n"
    )
    assert _rules(code) == {"DL-PERF-QUERY-IN-LOOP": [4, 6]}


def test_the_batched_query_and_row_streaming_are_not_flagged():
    code = (
        "def totals(cursor, ids):\n"
        "    marks = ','.join('?' * len(ids))\n"
        "    cursor.execute('select * from items where order_id in (%s)' % marks, ids)\n"
        "    while (row := cursor.fetchone()) is not None:\n"
        "        yield row\n"
        "    for row in Customer.objects.filter(pk__in=ids):\n"  # the query is the iterable: once
        "        yield row.name\n"
        "    parts = [', '.join(p) for p in ids]\n"  # str.join is not a query
    )
    assert _rules(code) == {}


def test_blocking_calls_in_async_functions():
    code = (
        "import time, requests, asyncio\n\n"
        "async def handler(url):\n"
        "    time.sleep(1)\n"
        "    r = requests.get(url)\n"
        "    await asyncio.sleep(1)\n"
        "    def sync_helper():\n"
        "        time.sleep(1)\n"  # a nested plain function may run in a thread: not flagged
        "    return r\n\n"
        "def plain():\n"
        "    time.sleep(1)\n"
    )
    assert _rules(code) == {"DL-PERF-BLOCKING-ASYNC": [4, 5]}


def test_http_in_loop_string_concat_readlines_and_sort_for_min():
    code = (
        "import requests\n\n"
        "def crawl(urls, path, xs):\n"
        "    html = ''\n"
        "    for u in urls:\n"
        "        html += requests.get(u).text\n"
        "    count = 0\n"
        "    for u in urls:\n"
        "        count += 1\n"  # an int: fine
        "    with open(path) as f:\n"
        "        for line in f.readlines():\n"
        "            pass\n"
        "    return sorted(xs)[0], sorted(xs, reverse=True)[0], sorted(xs)[1]\n"
    )
    rules = _rules(code)
    assert rules == {
        "DL-PERF-HTTP-IN-LOOP": [6],
        "DL-PERF-STR-CONCAT-LOOP": [6],
        "DL-PERF-READLINES": [11],
        "DL-PERF-SORT-MINMAX": [13],
    }
    messages = [f.message for f in scan_python_performance("a.py", code) if "sort" in f.message]
    assert "min()" in messages[0]


def test_findings_name_their_function_and_syntax_errors_raise():
    code = (
        "class Repo:\n"
        "    def load(self, db, ids):\n"
        "        for i in ids:\n"
        "            db.query(i)\n"
    )
    (finding,) = scan_python_performance("repo.py", code)
    assert finding.symbol == "Repo.load" and finding.snippet == "db.query(i)"
    with pytest.raises(SyntaxError):
        scan_python_performance("bad.py", "def f(:\n")

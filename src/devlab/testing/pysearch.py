"""The calls the probe tries, and coverage-guided rounds for what they left uncovered.

Round one (``first_calls``): every target's boundary calls, with the values each
parameter's usage asks for (``pyshapes``) and, for methods, several receivers built the
ways the module's own docstrings build them (``pyobjects``), plus operators, property
reads and writes on those receivers.

Later rounds (``more_calls``, driven by ``generate``): only the targets whose lines or
branches are still missed get calls, with (a) the objects earlier calls returned as new
receivers (a sequence grows one call at a time: ``VersionInfo.parse('1.2.3')`` ->
``VersionInfo.parse('1.2.3').bump_prerelease()`` -> its ``.compare(...)``), (b) wider
value pools (literals from the whole module, another random seed), and nothing already
probed. The rounds stop when a round reaches nothing new or the time budget is spent;
each call's outcome still goes through the probe and the three-run keep rule.
"""

from __future__ import annotations

import ast
import re

from devlab.testing.pydocs import (
    forwarded_options,
    harvest,
    module_letters,
    mutations,
    option_values,
    stream_forms,
    text_variants,
    with_option,
)
from devlab.testing.pyinputs import FORMAT_NAME, format_calls, reach, regex_calls, text_calls
from devlab.testing.pyobjects import ClassInfo, class_infos, docstring_builders, object_calls
from devlab.testing.pyregex import (
    drawn_witnesses,
    format_fields,
    module_regexes,
    type_letters,
    witnesses,
)
from devlab.testing.pyshapes import Context, subcommands, usage_pools
from devlab.testing.pystate import (
    STORED_STAND_INS,
    fill_calls,
    imported_values,
    partner_calls,
    protocol_calls,
    state_calls,
    stored_callables,
    unbound_calls,
    writable_classes,
)
from devlab.testing.pywrap import CLOCK, decorator_calls, find_decorators, with_imports
from devlab.testing.strategies import Call, boundary_calls
from devlab.testing.targets import Target

__all__ = ["CallPlanner"]

_MAX_FIRST = 1200  # calls in the first probe
_MAX_ROUND = 900  # calls in each later round (up to 400 regex pairs first)
_ROUND_WRAPPED = 240  # of them, decorator uses with the objects built so far (pywrap)
_MAX_RECEIVERS = 6
_MAX_EXAMPLE_CALLS = 400  # documented calls and their mutations, first round
_MAX_OPTION_CALLS = 150  # documented calls with one option set, first round
_ROUND_EXAMPLES = 200  # mutations of two pieces at once, each later round
_ROUND_LATE = 600  # room for them and the operators on every state, each later round
_FIRST_LATE = 700  # room for the docs' calls, options, partners and new texts, round one
_PER_EXAMPLE = 40
_DOC_EXPR = 2000  # a documented call may be long (a sample document): the authors' own
_DRAWN = 12  # regexes that also get Hypothesis' from_regex strings
_MAX_STATES = 18  # receivers built with one constructor option changed
_FILLED = 4  # receivers filled per class (fill_calls takes four)
_CALLABLE_TYPES = frozenset({"function", "partial", "itemgetter", "attrgetter", "method"})
# what a returned function is called with: values, and a function (it may be a decorator)
_CALL_ARGS = ["[1, 2, 3]", "'abc'", "(1, 2)", "1", "", "lambda *a, **k: len(a)"]
_STR = re.compile(r"'[^'\\]{1,40}'")
# a default naming a module's function (``time.monotonic``; not ``Cache.__getitem__``)
_FUNCTION_DEFAULT = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_PLAIN = frozenset({"sys.maxsize", "math.inf", "math.pi", "math.e", "sys.stdout", "sys.stderr",
                    "os.sep", "os.linesep", "string.ascii_letters"})  # fmt: skip


def _parses(call: Call) -> bool:
    """One call that is not Python would fail the whole probe file: left out."""
    try:
        ast.parse("\n".join([*call.setup, f"_ = lambda: {call.expr}"]))
    except SyntaxError:
        return False
    return True


class CallPlanner:
    """Plans the probe's calls for one module (see the module doc)."""

    def __init__(
        self, targets: list[Target], source: str, module: str, docs: list[str] | None = None
    ) -> None:
        """``docs``: the texts whose examples count (``pydocs.doc_sources``; the module's
        own source when None)."""
        self.targets = targets
        self.infos = class_infos(source)
        names = {t.cls for t in targets if t.cls}
        self.infos = {k: v for k, v in self.infos.items() if k in names}
        self.builders = docstring_builders(source, module, set(self.infos))
        names = {t.cls or t.name for t in targets}
        self.examples = harvest(docs if docs is not None else [source], module, names)
        self.letters = module_letters(source)
        self.options = {t.qualname: self._options(t, source) for t in targets}
        documented: dict[str, list[str]] = {}
        for expr in self.examples.calls:  # a documented construction is a receiver too
            head = expr.split("(", 1)[0]
            if head in self.infos and expr.count("(") == 1 and len(expr) < 200:
                documented.setdefault(head, []).append(expr)
        for head, exprs in documented.items():  # where no ``>>>`` line built one
            self.builders.setdefault(head, exprs[:_MAX_RECEIVERS])
        self.seen: set[str] = set()
        self.long_ok: set[str] = set()  # documented calls: no length limit of 200
        self.constants = list(dict.fromkeys(c for t in targets for c in t.constants))[:24]
        self.commands = subcommands(source)
        self.argv: set[str] = set()  # targets taking a command line: never called without
        self.builder_args = [
            m.group(0) for b in self.builders.values() for m in _STR.finditer(" ".join(b))
        ]
        self.formats = format_fields(type_letters(source))
        regexes = module_regexes(source)  # a module of one regex: more texts from it
        each = min(max(40 // max(len(regexes), 1), 2), 8)
        texts = [repr(w) for r in regexes for w in witnesses(r, each)]
        self.texts = list(dict.fromkeys(texts))[:40]  # as before: the pools' own texts
        self.more_texts = [t for t in self._regex_texts(regexes, each) if t not in self.texts]
        self.reach = reach(source, targets)
        self.writable = writable_classes(source)
        self.stored = stored_callables(source)  # constructor arguments called later
        self.shapes = {t.qualname: self._shapes(t, 0) for t in targets}
        self.decorators = find_decorators(targets)
        self.values = imported_values(source)  # datetime, Decimal ...: operators' partners

    def _regex_texts(self, regexes: list[str], each: int) -> list[str]:
        """Strings the module's regexes match (walked, then drawn by Hypothesis where the
        walk wrote few), the documented sample texts, and each witness rewritten once
        (truncated, a digit changed ...): the accepted and the rejected branches."""
        found: list[str] = []
        for i, pattern in enumerate(regexes):
            got = witnesses(pattern, each)
            if len(got) < each and i < _DRAWN:
                got += drawn_witnesses(pattern, each - len(got))
            found += got
        short = [t for t in self.examples.texts if len(t) < 120][:12]
        texts = [repr(w) for w in found[:24]] + short
        for w in found[:8]:
            texts += [repr(v) for v in text_variants(w, self.letters[:2])[:3]]
        texts += [repr(w) for w in found[24:]]
        return list(dict.fromkeys(texts))[:48]

    def _example_target(self, expr: str) -> str:
        """The target a documented call reaches: ``f``, ``C.__init__`` or ``C.m``."""
        head, _, rest = expr.partition("(")
        if head not in self.infos:
            return head
        method = re.match(r"[^()]*\)\.(\w+)\(", rest)
        return f"{head}.{method.group(1)}" if method else f"{head}.__init__"

    @staticmethod
    def _options(t: Target, source: str) -> list[tuple[str, str]]:
        """A target's optional parameters and those its ``**kwargs`` reach, as
        ``(name, default)``."""
        own = [(p.name, p.default) for p in t.params if p.default is not None]
        if t.varkw and not t.cls:
            own += forwarded_options(source, t.name, t.varkw)
        return list(dict.fromkeys(own))

    def option_calls(self) -> list[Call]:
        """The two shortest documented calls of each target with each of its options
        (own or reached through ``**kwargs``) set to each other value, one at a time: a
        valid input with the branch each option guards."""
        out: list[Call] = []
        by_target: dict[str, list[str]] = {}
        for expr in sorted(self.examples.calls, key=len):
            by_target.setdefault(self._example_target(expr), []).append(expr)
        for target, exprs in by_target.items():
            for expr in exprs[:2]:
                for name, default in self.options.get(target, []):
                    for value in option_values(default):
                        if text := with_option(expr, name, value):
                            out.append(Call("", target, text, False))
                            self.long_ok.add(text)
        return out[:_MAX_OPTION_CALLS]

    def example_calls(self, seed: int) -> list[Call]:
        """The documented calls (round 0: as written, with their text handed as a file and
        as a generator, then one piece rewritten at a time; later rounds: two pieces at
        once), as calls of their targets."""
        first: list[Call] = []
        rewritten: list[Call] = []
        for expr in self.examples.calls:
            target = self._example_target(expr)
            if seed == 0:
                first.append(Call("", target, expr, False))
                for text, imports in stream_forms(expr) if len(first) < 40 else []:
                    first.append(Call("", target, text, False, imports=imports))
            for text in mutations(expr, self.letters, _PER_EXAMPLE, seed=seed):
                rewritten.append(Call("", self._example_target(text), text, False))
        self.long_ok |= {c.expr for c in [*first, *rewritten]}
        return [*first, *rewritten][: _MAX_EXAMPLE_CALLS if seed == 0 else _ROUND_EXAMPLES]

    def _shapes(self, t: Target, seed: int) -> dict[str, list[str]]:
        names = [p.name for p in t.params] + [n for n in (t.varargs, t.varkw) if n]
        literals = list(dict.fromkeys([*t.constants, *self.constants]))
        strings = [c for c in literals if c[:1] in "'\""]
        ctx = Context(self.commands, strings, seed, self.builder_args)
        shapes = usage_pools(t.source, names, self.builders, ctx, star=t.varargs)
        for name in names:  # a format: str.format fields, a different few each round
            if FORMAT_NAME.match(name):
                turn = (seed * 7) % max(len(self.formats), 1)
                rotated = self.formats[turn:] + self.formats[:turn]
                shapes[name] = list(dict.fromkeys([*rotated[:7], *shapes.get(name, [])]))
        for p in t.params:  # a str parameter: texts the module's regexes match (dates ...)
            if p.annotation.removeprefix("Optional[").startswith("str") and self.texts:
                shapes.setdefault(p.name, self.texts[seed * 4 :][:4] or self.texts[:4])
        for name, values in shapes.items():
            # a parameter that takes an instance also takes what builds one ('1.2.3-rc.1')
            if any(v in self.builders.get(c, []) for c in self.builders for v in values):
                both = [*values[:2], *self.builder_args[:4], *values[2:], *self.builder_args]
                shapes[name] = list(dict.fromkeys(both))
            if any(v.startswith("['") or v == "[]" for v in values[:1]):
                self.argv.add(t.qualname)
        for name in self.stored.get(t.cls or "", []) if t.name == "__init__" else []:
            shapes[name] = list(dict.fromkeys([*STORED_STAND_INS, *shapes.get(name, [])]))
        for p in t.params:  # a default that is a function (a timer): a ticking clock too
            if p.default and _FUNCTION_DEFAULT.match(p.default) and p.default not in _PLAIN:
                shapes[p.name] = list(dict.fromkeys([CLOCK, *shapes.get(p.name, [])]))
        if t.varkw:  # ``kwargs.get('key')`` -> the keyword names to pass
            from devlab.testing.pyshapes import analyse_usage

            use = analyse_usage(t.source, [t.varkw]).get(t.varkw)
            shapes[f"**{t.varkw}"] = list(dict.fromkeys(use.keys))[:3] if use else []
        return shapes

    def _fresh(self, calls: list[Call], limit: int) -> list[Call]:
        out = []
        for call in calls:
            if call.target in self.argv and call.expr.endswith("()"):
                continue  # argparse would read the test runner's own sys.argv
            longest = _DOC_EXPR if call.expr in self.long_ok else 200
            if call.key not in self.seen and len(call.expr) < longest and _parses(call):
                self.seen.add(call.key)
                out.append(with_imports(call))
        return out[:limit]

    def first_calls(self) -> list[Call]:
        calls: list[Call] = []
        late = [*self.example_calls(0), *self.option_calls()]  # the docs' own inputs
        for name, info in self.infos.items():
            recv = self.builders.get(name, [])[:4]
            for target, expr in object_calls(info, recv, list(reversed(recv))):
                calls.append(Call("", target, expr, False))
            calls += protocol_calls(info, recv[:2], list(reversed(recv)))
            late += partner_calls(info, recv[:2], recv[2:4], self.values)
        late += text_calls(self.targets, self.more_texts, self.shapes)
        calls += unbound_calls(self.targets)
        built = [b for bs in self.builders.values() for b in bs[:1]][:3]
        calls += decorator_calls(self.decorators, self.shapes, built)
        calls += format_calls(self.targets, self.formats, self.shapes)
        calls += text_calls(self.targets, self.texts, self.shapes)
        for t in self.targets:
            recv = self.builders.get(t.cls or "", [])
            calls += boundary_calls(t, shapes=self.shapes[t.qualname], receivers=recv)
        # the new inputs in room of their own after the others: added, never crowding out
        fresh = self._fresh(calls, _MAX_FIRST)
        return self._number([*fresh, *self._fresh(late, _FIRST_LATE)], "c")

    def more_calls(
        self, rnd: int, missing: set[int], outcomes: dict[str, tuple[str, dict]]
    ) -> list[Call]:
        """Calls for the targets with ``missing`` lines (branch sources count too);
        ``outcomes`` maps every probed call's expression to (target, its outcome)."""
        needy = [t for t in self.targets if self.reach[t.qualname] & missing]
        made = self._made(outcomes)
        calls = regex_calls(self.targets, outcomes, rnd)  # agreeing pairs first
        # the docs' rewritten calls and operators on every state: after the boundary
        # calls, in the room kept for them (they must not crowd the needy targets out)
        late = self.example_calls(rnd)
        for name, info in self.infos.items():
            if info.lines & missing or any(t.cls == name for t in needy):
                recv = made.get(name, [])[:4]
                others = self.builders.get(name, [])[:2]
                calls += [Call("", tg, e, False) for tg, e in object_calls(info, recv, others)]
                calls += protocol_calls(info, recv[rnd % 2 :][:3], others or recv[:1])
                states = [*made.get(name, [])[:_MAX_RECEIVERS], *self._state_receivers(name)]
                late += partner_calls(info, list(dict.fromkeys(states)), others, self.values)
                calls += state_calls(info, outcomes)
                if name in self.writable:
                    filled = [*self._stored_receivers(name), *recv[:_FILLED]]
                    calls += fill_calls(info, filled, self._arity(name, info))
        wrappers = [d for d in self.decorators if d.target.qualname in {t.qualname for t in needy}]
        if wrappers:  # with the objects the probe built as factory arguments (a cache)
            objects = [exprs[0] for exprs in made.values()][:4]
            wrapped = decorator_calls(wrappers, self.shapes, objects)
            calls += [c for c in wrapped if c.key not in self.seen][:_ROUND_WRAPPED]
        per = max((_MAX_ROUND - len(calls)) // max(len(needy), 1), 12)
        for t in needy:
            shaped = self._shapes(t, rnd)
            turn = (rnd * 4) % max(len(self.texts), 1)  # strings the module's regexes match
            texts = (self.texts[turn:] + self.texts[:turn])[:4]
            mixed = list(dict.fromkeys([*t.constants[:6], *self.constants[:6]]))
            shapes = {k: [*v[:3], *texts[:2], *v[3:], *mixed[:6]] for k, v in shaped.items()}
            for p in t.params:  # no usage shape: texts the module's regexes match first
                shapes.setdefault(p.name, [*texts, *mixed[:8]])
            built = self.builders.get(t.cls or "", [])
            recv = list(dict.fromkeys([*made.get(t.cls or "", [])[:_MAX_RECEIVERS], *built]))
            recv = recv[rnd % 2 :: 2] if len(recv) > 4 else recv  # vary them by round
            calls += boundary_calls(t, seed=rnd, shapes=shapes, receivers=recv, limit=per)[:per]
        calls += self._call_results(needy, outcomes)
        fresh = self._fresh(calls, _MAX_ROUND)
        return self._number([*fresh, *self._fresh(late, _ROUND_LATE)], f"r{rnd}c")

    def _state_receivers(self, name: str) -> list[str]:
        """The class built with one optional constructor parameter at a time set to
        another value (``Span(months=1)``, ``Span(months=1.5)``): objects in the states
        its operators branch on, however many options the constructor has."""
        init = next((t for t in self.targets if t.qualname == f"{name}.__init__"), None)
        if init is None:
            return []
        shapes = self.shapes.get(init.qualname, {})
        required = [(shapes.get(p.name) or ["1"])[0] for p in init.params if p.default is None]
        out = []
        for depth in range(2):  # every option's first other value, then its second
            for p in init.params:
                values = option_values(p.default) if p.default is not None else []
                value = values[depth] if depth < len(values) else ""
                if value and not value.startswith(("lambda", "(", "{")):
                    out.append(f"{name}({', '.join([*required, f'{p.name}={value}'])})")
        return out[:_MAX_STATES]

    def _stored_receivers(self, name: str) -> list[str]:
        """``C(2, f)`` for each stand-in ``f`` of a constructor argument the object calls
        later: objects that differ only in such a function print alike, so the probe's
        receivers (one per printed state) would keep one of them."""
        init = next((t for t in self.targets if t.qualname == f"{name}.__init__"), None)
        stored = self.stored.get(name, [])
        if init is None or not stored:
            return []
        shapes = self.shapes[init.qualname]
        out = []
        for value in STORED_STAND_INS:
            args = [
                value if p.name in stored else (shapes.get(p.name) or ["2"])[0]
                for p in init.params
                if p.default is None
            ]
            args += [f"{p.name}={value}" for p in init.params if p.default and p.name in stored]
            out.append(f"{name}({', '.join(args)})")
        return out

    def _arity(self, name: str, info: ClassInfo) -> dict[str, int]:
        """The class's public plain methods -> their required argument counts."""
        return {
            t.name: sum(p.default is None for p in t.params)
            for t in self.targets
            if t.cls == name and t.name in info.methods and not t.is_static
        }

    def _call_results(
        self, needy: list[Target], outcomes: dict[str, tuple[str, dict]]
    ) -> list[Call]:
        """A call that returned a function (a decorator, a getter) is called in turn, and
        twice in a row."""
        names = {t.qualname for t in needy} | {t.name for t in needy}
        out = []
        for expr, (target, res) in sorted(outcomes.items(), key=lambda kv: len(kv[0]))[:4000]:
            if res.get("type") not in _CALLABLE_TYPES or len(expr) > 80:
                continue
            if target in names or any(f"{n}(" in expr for n in names):
                for args in _CALL_ARGS:
                    out.append(Call("", target, f"({expr})({args})", False))
                # called twice with the same argument: what the first call left behind
                # (a memo, a counter) decides the second
                out.append(Call("", target, "f(1)", False, setup=(f"f = {expr}", "f(1)")))
        return out[:120]

    def _made(self, outcomes: dict[str, tuple[str, dict]]) -> dict[str, list[str]]:
        """Per class: the shortest probed expressions that returned an instance of it."""
        made: dict[str, list[str]] = {}
        states: set[tuple[str, str]] = set()  # one receiver per distinct state (its repr)
        richest: dict[str, tuple[str, str]] = {}
        for expr, (_, out) in sorted(outcomes.items(), key=lambda kv: len(kv[0])):
            kind, typ = out.get("kind"), out.get("type", "")
            if kind in ("object", "value") and typ in self.infos and not out.get("iter"):
                if re.search(r"\bsetattr\(|==|<|>", expr) or (typ, out.get("repr", "")) in states:
                    continue
                states.add((typ, out.get("repr", "")))
                made.setdefault(typ, []).append(expr)
                richest.setdefault(typ, (expr, out.get("repr", "")))
                if len(out.get("repr", "")) > len(richest[typ][1]):
                    richest[typ] = (expr, out.get("repr", ""))
        for typ, (expr, _) in richest.items():  # the fullest state among the first receivers
            exprs = made[typ]
            made[typ] = [*exprs[:1], expr, *(e for e in exprs[1:] if e != expr)]
        return made

    @staticmethod
    def _number(calls: list[Call], prefix: str) -> list[Call]:
        for i, call in enumerate(calls):
            call.id = f"{prefix}{i}"
        return calls

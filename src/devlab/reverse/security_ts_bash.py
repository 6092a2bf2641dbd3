"""Bash / shell security rules (ids ``DL-SH-*``) over tree-sitter trees.

Sources: positional parameters (``$1``, ``${2:-x}``, ``$@``, ``$*``) of the script,
``read`` variables, and environment variables the script never assigns (weak). Inside a
shell function the positional parameters are the function's arguments, so a function is
summarised once and calls like ``deploy "$1"`` carry the caller's taint into it.
``printf '%q'`` quotes for the shell; ``[[ $x =~ ^...$ ]]`` checks sanitise ``x``.

Rules: ``eval`` / ``sh -c`` / ``su -c`` / ``ssh host CMD`` with untrusted data (command
injection), ``source`` of an untrusted path, ``curl ... | sh`` and ``bash <(curl ...)``
(download and execute, CWE-494), world-writable ``chmod`` (CWE-732), fixed ``/tmp``
paths (CWE-377), TLS verification switched off (``curl -k``, ``wget
--no-check-certificate``, ``GIT_SSL_NO_VERIFY``, ``NODE_TLS_REJECT_UNAUTHORIZED=0``,
``--insecure-skip-tls-verify``, npm ``strict-ssl false``), hard-coded credentials,
``DEBUG=true`` style flags, and unquoted untrusted expansions (word splitting, low).

The parts: ``security_ts_bash_tables`` (rule data), ``security_ts_bash_names``
(``BashAnalysis``: functions, assigned names), ``security_ts_bash_commands`` (the rules
on one command) and here ``BashScan``: values, assignments, commands, control flow and
the handler table.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_bash_commands import BashCommands
from devlab.reverse.security_ts_bash_names import BashAnalysis
from devlab.reverse.security_ts_bash_tables import (
    CGI_VARS,
    FIXED_TMP,
    INTERPRETERS,
    RULES,
    SANITISERS,
    SHELL_VARS,
    SQL_CLIENTS,
    WRAPPERS,
)
from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    FileAnalysis,
    Summary,
    row,
    same,
    union,
    words,
)
from devlab.reverse.taint import Taint

__all__ = ["RULES", "SANITISERS", "SQL_CLIENTS", "BashAnalysis", "BashScan"]


class BashScan(BashCommands):
    """The walk of a script or one shell function."""

    fa: BashAnalysis

    literals = words(
        "word raw_string number comment ansi_c_string heredoc_start heredoc_end regex "
        "special_variable_name file_descriptor arithmetic_expansion translated_string"
    )
    skip = words("herestring_redirect")
    block_types = words("compound_statement")
    identifier_types = frozenset({"variable_name"})

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.posargs: list[Taint] | None = None  # after `set -- ...`

    # values ----------------------------------------------------------------------------------
    def variable(self, name: str, node: Node) -> list[Taint]:
        fa = self.fa
        line = row(node)
        if (name.isdigit() and name != "0") or name in ("@", "*"):
            if self.posargs is not None:
                return self.posargs
            if self.function is not None:
                idx = 99 if name in ("@", "*") else int(name) - 1
                return [Taint("param", idx).then(line, fa.code(line), f"function argument ${name}")]
            label = "script arguments" if name in ("@", "*") else f"script argument ${name}"
            return self.source(label, node)
        if name in ("#", "?", "$", "!", "0", "-", "_"):
            return []
        t = self.env.get(name)
        if t is not None:
            return t
        if name in fa.assigned:
            return self.unknown()
        if name in CGI_VARS or name.startswith("HTTP_"):
            return self.source(f"CGI {name}", node)
        if name == "OPTARG":
            return self.source("command-line option ($OPTARG)", node)
        if name.isupper() and name not in SHELL_VARS and not name.startswith("BASH_"):
            line = row(node)
            return [Taint("environment").then(line, fa.code(line), f"source: environment ${name}")]
        return []

    def h_expansion(self, node: Node) -> list[Taint]:
        out: list[Taint] = []
        for c in node.named_children:
            if c.type in ("variable_name", "special_variable_name"):
                if not out:
                    out = self.variable(self.fa.text(c), c)
            elif c.type == "subscript" and c.named_children:  # ${args[0]}: the array's taint
                first = c.named_children[0]
                if first.type == "variable_name" and not out:
                    out = self.variable(self.fa.text(first), first)
            else:
                out = union(out, self.eval(c))
        if out and re.search(r"##\*/\}$", self.fa.text(node)):  # ${x##*/}: the file name
            out = self.sanitise(out, frozenset({"path"}), node, "${x##*/} (file name only)")
        return out

    def h_string(self, node: Node) -> list[Taint]:
        return self.children(node)

    def h_command_substitution(self, node: Node) -> list[Taint]:
        return self.children(node)

    # statements ------------------------------------------------------------------------------
    def h_assignment(self, node: Node) -> list[Taint]:
        fa = self.fa
        name = fa.text(node.child_by_field_name("name"))
        value = node.child_by_field_name("value")
        saved, self.target = self.target, name
        t = self.eval(value)
        self.target = saved
        self.bind(name, t, node)
        if value is None:
            return t
        vtext = fa.text(value)
        if re.search(r"\bRANDOM\b", vtext[:500]) and not re.search(r"urandom|SRANDOM", vtext):
            self.target = name
            self.random_secret(
                node,
                "$RANDOM (15 bits, predictable)",
                "Use openssl rand -hex 16, or read /dev/urandom (od -An -N16 -tx1 /dev/urandom).",
            )
            self.target = saved
        literal = value.type in ("word", "raw_string", "number") or (
            value.type == "string"
            and not any(c.type != "string_content" for c in value.named_children)
        )
        if literal:
            raw = vtext.strip("'\"")
            self.env_rules(node, name, raw)
            self.hard_coded(
                node,
                name,
                raw,
                "Read the secret from the environment or a secrets manager (e.g. "
                "${API_TOKEN:?} provided by the CI), and rotate it if it was committed.",
            )
            if FIXED_TMP.match(raw):
                self.tmp(node, raw)
        return t

    def env_rules(self, node: Node, name: str, raw: str) -> None:
        low = raw.lower()
        if (name == "NODE_TLS_REJECT_UNAUTHORIZED" and raw == "0") or (
            name in ("GIT_SSL_NO_VERIFY", "PYTHONHTTPSVERIFY", "CURL_INSECURE")
            and low in (("0",) if name == "PYTHONHTTPSVERIFY" else ("1", "true", "yes"))
        ):
            self.tls(
                node,
                f"{name}={raw} turns off certificate verification for every later command.",
                "high",
            )
        elif name in ("DEBUG", "FLASK_DEBUG", "APP_DEBUG", "DJANGO_DEBUG") and low in (
            "1",
            "true",
            "yes",
            "on",
        ):
            self.fa.config(
                "DEBUG",
                "CWE-489",
                "Debug mode enabled",
                node,
                f"{name}={raw} switches the application into debug mode.",
                "low",
                "medium",
                "Set debug flags only in development environments.",
                self.symbol,
            )

    def h_command(self, node: Node) -> list[Taint]:
        fa = self.fa
        name_node = node.child_by_field_name("name")
        args = node.children_by_field_name("argument")
        for c in node.named_children:  # FOO=bar cmd: prefix assignments
            if c.type == "variable_assignment":
                self.eval(c)
        name = fa.text(name_node)
        arg_t = [self.eval(a) for a in args]
        words = [fa.text(a) for a in args]
        # skip wrappers: sudo -E bash -c ...
        i = 0
        while name in WRAPPERS and i < len(words):
            while i < len(words) and words[i].startswith("-"):
                i += 1
            if i < len(words):
                name = words[i].strip("'\"")
                i += 1
        rest, rest_t, rest_n = words[i:], arg_t[i:], args[i:]
        all_t: list[Taint] = []
        for t in rest_t:
            all_t = union(all_t, t)
        base = name.rsplit("/", 1)[-1]
        if base in ("read", "mapfile", "readarray"):
            self.read(node, rest)
            return []
        if base == "set" and rest[:1] == ["--"]:
            self.posargs = union([], all_t)
            return []
        if base in SANITISERS and "cmd" not in SANITISERS[base]:
            return self.sanitise(all_t, SANITISERS[base], node, f"{base} (sanitiser)")
        self.data_sinks(node, base, rest, rest_t)
        if base in SANITISERS or (base == "git" and ("--parseopt" in rest or "--sq-quote" in rest)):
            # their output is shell-quoted for eval / set --
            kinds = SANITISERS.get(base, frozenset({"cmd"}))
            return self.sanitise(all_t, kinds, node, f"{base} (quotes for the shell)")
        if self.command_rules(node, name, base, rest, rest_t, rest_n, all_t):
            return []
        if any(
            w.startswith("--insecure-skip-tls-verify") or w == "--no-check-certificate"
            for w in rest
        ) and base not in ("curl", "wget"):
            self.tls(node, f"{base} runs with TLS verification switched off.", "medium")
        if base.startswith("pip") and "--trusted-host" in rest:
            self.tls(node, "pip --trusted-host skips certificate checks for that host.", "medium")
        for j, w in enumerate(rest):
            if FIXED_TMP.match(w.strip("'\"")) and base != "mktemp" and "XXX" not in w:
                self.tmp(rest_n[j], w.strip("'\""))
        target = fa.functions.get(name)
        if target is not None:
            ext = list(rest_t[:99]) + [[]] * max(0, 99 - len(rest_t)) + [all_t]
            return self.call_local(target, name, node, ext)
        self.unquoted(node, base, rest_n, rest_t)
        if base == "printf" and rest and "%q" in rest[0]:
            return self.sanitise(all_t, frozenset({"cmd"}), node, "printf '%q'")
        return all_t

    def h_pipeline(self, node: Node) -> list[Taint]:
        fa = self.fa
        cmds = [c for c in node.named_children if c.type in ("command", "redirected_statement")]
        downloading = False
        for c in cmds:
            cmd = c if c.type == "command" else c.child_by_field_name("body")
            if cmd is None or cmd.type != "command":
                continue
            words = [fa.text(cmd.child_by_field_name("name"))] + [
                fa.text(a) for a in cmd.children_by_field_name("argument")
            ]
            prog = next((w for w in words if w not in WRAPPERS and not w.startswith("-")), words[0])
            if prog.rsplit("/", 1)[-1] in ("curl", "wget"):
                downloading = True
            elif downloading and prog.rsplit("/", 1)[-1] in INTERPRETERS:
                self.dlexec(node, f"The output of a download is piped into {prog}")
                break
        return self.children(node)

    def h_redirect(self, node: Node) -> list[Taint]:
        dest = node.child_by_field_name("destination")
        if dest is not None:
            path = self.fa.text(dest).strip("'\"")
            if FIXED_TMP.match(path):
                self.tmp(node, path)
        return []

    def h_for(self, node: Node) -> list[Taint]:
        var = node.child_by_field_name("variable")
        t: list[Taint] = []
        for v in node.children_by_field_name("value"):
            t = union(t, self.eval(v))
        if var is not None:
            self.cond += 1
            self.bind(self.fa.text(var), t, node)
            self.cond -= 1
        self.branch(node.child_by_field_name("body"))
        return []

    def h_branchy(self, node: Node) -> list[Taint]:
        kids = node.named_children
        cond = node.child_by_field_name("condition")
        if cond is not None:
            self.eval(cond)
        self.branch(*[k for k in kids if cond is None or k.id != cond.id])
        return []

    def h_case(self, node: Node) -> list[Taint]:
        """``case "$v" in a|b) ;; *) v=default ;; esac``: afterwards ``v`` is one of the
        literal patterns or the constant the catch-all sets (or the script left): an
        allow-list."""
        self.h_branchy(node)
        kids = node.named_children
        subject = kids[0] if kids else None
        names = [
            self.fa.text(v)
            for e in (subject.named_children if subject is not None else [])
            if e.type == "simple_expansion"
            for v in e.named_children
            if v.type == "variable_name"
        ]
        if subject is None or len(names) != 1:
            return []
        name = names[0]
        items = [k for k in kids[1:] if k.type == "case_item"]
        for item in items:
            pats = [c for c in item.named_children if c.type in ("word", "extglob_pattern")]
            body = [c for c in item.named_children if c.type not in ("word", "extglob_pattern")]
            if all(not re.search(r"[*?\[$]", self.fa.text(p)) for p in pats):
                continue  # literal patterns: the value is one of them
            if [self.fa.text(p) for p in pats] == ["*"] and any(
                (c.type == "variable_assignment" and self.fa.text(c).startswith(name + "=")
                 and "$" not in self.fa.text(c))
                or (c.type == "command" and self.fa.text(c).split()[0] in ("exit", "return"))
                for c in body
            ):  # fmt: skip
                continue
            return []
        if items:
            self.guard(name, ALL_KINDS, node, "a case allow-list")
        return []

    def h_test(self, node: Node) -> list[Taint]:
        fa = self.fa
        stack = list(node.named_children)
        while stack:
            n = stack.pop()
            stack.extend(n.named_children)
            if n.type == "binary_expression":
                right = n.child_by_field_name("right")
                if right is not None and right.type == "regex" and fa.text(right).startswith("^"):
                    left = n.child_by_field_name("left")
                    todo = [left] if left is not None else []
                    while todo:
                        v = todo.pop()
                        if v.type in ("simple_expansion", "expansion"):
                            name = fa.text(v).strip("${}")
                            self.guard(name, ALL_KINDS, n, "a [[ =~ ]] regex check")
                        else:
                            todo.extend(v.named_children)
        return []

    def h_function(self, node: Node) -> list[Taint]:
        fa = self.fa
        if same(fa.functions.get(fa.text(node.child_by_field_name("name"))), node):
            return []  # summarised at its first call (it then sees the globals set so far)
        return self.nested(node)


BashScan.handlers = {
    "simple_expansion": BashScan.h_expansion,
    "expansion": BashScan.h_expansion,
    "string": BashScan.h_string,
    "command_substitution": BashScan.h_command_substitution,
    "variable_assignment": BashScan.h_assignment,
    "command": BashScan.h_command,
    "pipeline": BashScan.h_pipeline,
    "file_redirect": BashScan.h_redirect,
    "for_statement": BashScan.h_for,
    "if_statement": BashScan.h_branchy,
    "while_statement": BashScan.h_branchy,
    "case_statement": BashScan.h_case,
    "test_command": BashScan.h_test,
    "function_definition": BashScan.h_function,
}
BashAnalysis.scan_class = BashScan

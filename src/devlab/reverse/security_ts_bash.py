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
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    FileAnalysis,
    Scan,
    Summary,
    credential_value,
    make_rules,
    row,
    same,
    union,
    words,
)
from devlab.reverse.taint import Taint

__all__ = ["BashAnalysis"]


RULES = make_rules(
    "SH",
    {
        "cmd": "Do not eval or 'sh -c' untrusted data: call the command directly with quoted "
        'arguments ("$var"), validate values against an allow-list, or quote with '
        "printf '%q'.",
        "code": "Only source files from fixed, trusted paths; pass values to python -c / "
        "awk / perl programs as separate arguments (sys.argv, awk -v), never inside the "
        "program text.",
        "sql": "Do not put values into SQL text: validate them against an allow-list or an "
        "anchored [[ =~ ]] pattern, or pass them as psql variables (-v name=value, :'name').",
        "path": 'Keep only the file name (basename -- "$x" or ${x##*/}) or reject values '
        "containing '..' or '/' before joining them to the base directory.",
    },
)
#: CGI request data (RFC 3875 meta-variables and HTTP_* headers): the request's input
#: the rule tables (sources, sinks, sanitisers, propagators) as data
T = load_table("bash")
#: commands whose output is safe for these categories (basename: a file name only)
SANITISERS = T.kinds("sanitisers")
CGI_VARS = T.names("sources.cgi_variables")
#: interpreters whose -c / -e / -r option takes program text
CODE_FLAGS = T.mapping("sinks.code.program_flags")
AWKS = T.names("sinks.code.awks")
SQL_CLIENTS = T.options("sinks.sql.clients")
FILE_COMMANDS = T.names("sinks.path.file_commands")
#: a word that names a file under a fixed directory and then expands input
FIXED_DIR_WORD = T.pattern("guards.fixed_directory_word")
SHELL_VARS = T.names("sources.not_input_variables")
SHELLS = T.names("sinks.cmd.shells")
INTERPRETERS = T.names("sinks.cmd.interpreters")
WRAPPERS = T.names("sinks.cmd.wrappers")
NO_UNQUOTED = T.names("config.quoting_exempt_commands")
FIXED_TMP = T.pattern("config.fixed_tmp_path")
SYMBOLIC_WW = T.pattern("config.world_writable_mode")


class BashAnalysis(FileAnalysis):
    """A shell script: functions (summarised on first call), assigned variable names."""

    prefix = "SH"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.assigned: set[str] = set()
        self.tmp_seen: set[str] = set()
        self.unquoted_seen: set[str] = set()

    def prepare(self) -> None:
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "function_definition":
                self.register(self.text(n.child_by_field_name("name")), n)
            elif n.type == "variable_assignment":
                self.assigned.add(self.text(n.child_by_field_name("name")))
            elif n.type == "for_statement":
                self.assigned.add(self.text(n.child_by_field_name("variable")))
            elif n.type == "command" and self.text(n.child_by_field_name("name")) in (
                "read",
                "mapfile",
                "readarray",
            ):
                for a in n.children_by_field_name("argument"):
                    self.assigned.add(self.text(a))
            stack.extend(n.named_children)

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        return self.text(fn.child_by_field_name("name")) or parent


class BashScan(Scan):
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

    def command_rules(
        self,
        node: Node,
        name: str,
        base: str,
        rest: list[str],
        rest_t: list[list[Taint]],
        rest_n: list[Node],
        all_t: list[Taint],
    ) -> bool:
        """The rules of one command by its name (``base``, wrappers skipped): eval and
        shells with -c, ssh, source, curl/wget, chmod, TLS switches, passwords on the
        command line, ``printf -v x %q``; True when the command's value is settled
        (nothing)."""
        if base == "eval":
            self.download_exec(node, rest_n, "eval")
            self.sink("cmd", node, all_t, "sink: eval")
        elif name in SHELLS or base in ("su", "runuser"):
            self.download_exec(node, rest_n, base)
            for j, w in enumerate(rest):
                if w in ("-c", "-lc", "-ec", "-xc") or (
                    w.startswith("-") and w.endswith("c") and len(w) <= 4
                ):
                    if j + 1 < len(rest_t):
                        self.sink("cmd", node, rest_t[j + 1], f"sink: {base} -c")
                    break
        elif base == "ssh":
            positional = [j for j, w in enumerate(rest) if not w.startswith("-")]
            if len(positional) >= 2:
                self.sink("cmd", node, rest_t[positional[-1]], "sink: ssh remote command")
        elif base in ("source", "."):
            self.download_exec(node, rest_n, base)
            if rest_t:
                self.sink(
                    "code",
                    node,
                    rest_t[0],
                    f"sink: {base} of a computed path",
                    quiet=True,
                    strong_only=True,
                )
        elif base in ("curl", "wget"):
            self.curl(node, base, rest)
        elif base == "chmod":
            self.chmod(node, rest)
        elif base == "git":
            joined = " ".join(rest)
            if re.search(r"http\.sslVerify[= ]+(false|0)", joined, re.I):
                self.tls(node, "git http.sslVerify=false accepts any certificate.", "high")
        elif base in ("npm", "yarn", "pnpm"):
            if re.search(r"strict-ssl\s+false", " ".join(rest)):
                self.tls(node, f"{base} strict-ssl false accepts any registry certificate.", "high")
        elif base in ("mysql", "mysqldump", "mariadb", "sshpass", "psql"):
            self.cli_password(node, base, rest, rest_n)
        elif base == "printf" and rest[:1] == ["-v"] and len(rest) > 2 and "%q" in rest[2]:
            t = union([], rest_t[3] if len(rest_t) > 3 else [])
            self.bind(rest[1], self.sanitise(t, frozenset({"cmd"}), node, "printf '%q'"), node)
            return True
        return False

    def data_sinks(self, node: Node, base: str, rest: list[str], rest_t: list[list[Taint]]) -> None:
        """Input inside SQL text (sqlite3 / psql -c / mysql -e), inside program text
        (python -c, perl -e, awk programs) or joined to a fixed directory (file commands)."""
        positional = [j for j, w in enumerate(rest) if not w.startswith("-")]
        if base == "sqlite3" and len(positional) > 1:
            for j in positional[1:]:
                self.sink("sql", node, rest_t[j], "sink: sqlite3 SQL text")
        flags = SQL_CLIENTS.get(base)
        code_flag = CODE_FLAGS.get(base)
        for j, w in enumerate(rest):
            if flags and (w in flags or w.startswith(tuple(f + "=" for f in flags))):
                k = j if "=" in w else j + 1
                if k < len(rest_t):
                    self.sink("sql", node, rest_t[k], f"sink: {base} {flags[0]} SQL text")
            if code_flag and w == code_flag and j + 1 < len(rest_t):
                self.sink("code", node, rest_t[j + 1], f"sink: {base} {code_flag} program text")
                break
        if base in AWKS:
            prog = next((j for j in positional if rest[j - 1] not in ("-v", "-f", "-F")), None)
            if prog is not None:
                self.sink("code", node, rest_t[prog], f"sink: {base} program text")
        if base in FILE_COMMANDS and base != "source":
            for j in positional:
                if FIXED_DIR_WORD.match(rest[j]):
                    self.sink(
                        "path", node, rest_t[j], f"sink: {base} on a path under a fixed directory"
                    )

    def read(self, node: Node, words: list[str]) -> None:
        skip_next = False
        for w in words:
            if skip_next:
                skip_next = False
                continue
            if w.startswith("-"):
                skip_next = w[-1:] in ("p", "t", "d", "n", "N", "u", "a", "i") and len(w) == 2
                if w == "-a":
                    skip_next = False
                continue
            name = w.strip("'\"")
            if re.fullmatch(r"[A-Za-z_]\w*", name):
                line = row(node)
                src = [Taint("read input").then(line, self.fa.code(line), f"source: read {name}")]
                self.env[name] = src

    def unquoted(self, node: Node, base: str, args: list[Node], taints: list[list[Taint]]) -> None:
        """Low: an untrusted value expanded unquoted (word splitting, globbing); once per
        variable and file."""
        if base in NO_UNQUOTED:
            return
        fa = self.fa
        for a, t in zip(args, taints, strict=False):
            if a.type not in ("simple_expansion", "expansion"):
                continue
            var = fa.text(a)
            src = [x for x in t if x.origin not in ("param", "unknown", "environment")]
            if var in fa.unquoted_seen or not src or all(x.clean_for("cmd") for x in src):
                continue
            fa.unquoted_seen.add(var)
            fa.config(
                "UNQUOTED",
                "CWE-88",
                "Unquoted untrusted expansion",
                node,
                f"{var} (from {src[0].origin}) is expanded unquoted: spaces and glob "
                "characters split it into extra arguments.",
                "low",
                "low",
                f'Quote the expansion: "{var}".',
                self.symbol,
            )
            return

    def download_exec(self, node: Node, args: list[Node], via: str) -> None:
        for a in args:
            if a.type in ("process_substitution", "command_substitution", "string"):
                text = self.fa.text(a)
                if re.search(r"\b(curl|wget)\b", text):
                    self.dlexec(node, f"{via} runs a script downloaded by {text[:60]}")
                    return

    def dlexec(self, node: Node, message: str) -> None:
        self.fa.config(
            "DLEXEC",
            "CWE-494",
            "Download and execute without verification",
            node,
            message + ": whoever controls the server or the network path runs code here.",
            "high",
            "high",
            "Download to a file, verify a pinned checksum or signature (sha256sum -c, gpg "
            "--verify), then run it; prefer a package manager.",
            self.symbol,
        )

    def curl(self, node: Node, base: str, words: list[str]) -> None:
        insecure = False
        for w in words:
            if base == "curl" and (w == "--insecure" or re.fullmatch(r"-[a-zA-Z]*k[a-zA-Z]*", w)):
                insecure = True
            if base == "wget" and w == "--no-check-certificate":
                insecure = True
        if insecure:
            self.tls(node, f"{base} runs with certificate verification switched off.", "medium")

    def chmod(self, node: Node, words: list[str]) -> None:
        # issue 13: words capped (SYMBOLIC_WW is quadratic on long runs of u/g/o/a)
        mode = next((w for w in words if not w.startswith("-") or SYMBOLIC_WW.match(w[:64])), "")
        mode = mode.strip("'\"")
        numeric = re.fullmatch(r"0?[0-7]?[0-7]{3}", mode)
        symbolic = SYMBOLIC_WW.match(mode[:64])
        if (numeric and int(mode[-1]) & 2) or symbolic or mode in ("+w", "a+rwx"):
            self.fa.config(
                "PERMS",
                "CWE-732",
                "World-writable permissions",
                node,
                f"chmod {mode} lets every local user modify the file(s).",
                "medium",
                "high",
                "Grant only what is needed (e.g. 750 for directories, 640 for files) and use "
                "group ownership for sharing.",
                self.symbol,
            )

    def cli_password(self, node: Node, base: str, words: list[str], args: list[Node]) -> None:
        for j, w in enumerate(words):
            value = None
            if w.startswith("--password="):
                value = w.split("=", 1)[1]
            elif base in ("mysql", "mysqldump", "mariadb") and re.fullmatch(r"-p\S+", w):
                value = w[2:]
            elif base == "sshpass" and w == "-p" and j + 1 < len(words):
                value = words[j + 1]
            if value is None or "$" in value:
                continue
            found = credential_value("password", value.strip("'\""))
            if found is not None:
                sev, conf, why = found
                self.fa.config(
                    "CREDS",
                    "CWE-798",
                    "Hard-coded credential",
                    node,
                    f"{base} gets {why} as its password on the command line (also visible in "
                    "the process list).",
                    sev,
                    conf,
                    "Pass the password through a protected file or environment variable "
                    "(MYSQL_PWD, ~/.my.cnf, sshpass -e).",
                    self.symbol,
                )
                return

    def tmp(self, node: Node, path: str) -> None:
        if path in self.fa.tmp_seen:
            return
        self.fa.tmp_seen.add(path)
        self.fa.config(
            "TMP",
            "CWE-377",
            "Predictable temporary file",
            node,
            f"{path} is a fixed name in a shared directory: another user can create it first "
            "(or a symlink there) and hijack or clobber the file.",
            "low",
            "medium",
            "Create it with tmp=$(mktemp) (or mktemp -d) and remove it with trap 'rm -f \"$tmp\"'"
            " EXIT.",
            self.symbol,
        )

    def tls(self, node: Node, message: str, sev: str) -> None:
        self.tls_off(
            node,
            message,
            "high" if sev == "high" else "medium",
            "Keep verification on; point the tool at the right CA bundle (curl --cacert, "
            "SSL_CERT_FILE, git http.sslCAInfo) instead.",
        )

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

"""Bash / shell scan, the rules on one command: command and code injection through
shells and interpreters (``eval``, ``sh -c``, ``ssh``, ``python -c``, ``awk``), SQL
clients, file commands, ``read``, unquoted expansions, download-and-execute, ``curl``
options, ``chmod``, passwords on the command line, fixed ``/tmp`` paths and TLS
verification switched off. ``BashScan`` (``security_ts_bash``) walks the script on top
of these."""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_bash_names import BashAnalysis
from devlab.reverse.security_ts_bash_tables import (
    AWKS,
    CODE_FLAGS,
    FILE_COMMANDS,
    FIXED_DIR_WORD,
    NO_UNQUOTED,
    SHELLS,
    SQL_CLIENTS,
    SYMBOLIC_WW,
)
from devlab.reverse.security_ts_core import (
    Scan,
    credential_value,
    row,
    union,
)
from devlab.reverse.taint import Taint

__all__ = ["BashCommands"]


class BashCommands(Scan):
    """The command rules of the Bash scan."""

    fa: BashAnalysis

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

"""Bash / shell rule data (ids ``DL-SH-*``): the taint rules and the table
``tables/bash.json`` read into the names the scan uses. Import from ``security_ts_bash``."""

from __future__ import annotations

from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import make_rules

__all__ = [
    "AWKS",
    "CGI_VARS",
    "CODE_FLAGS",
    "FILE_COMMANDS",
    "FIXED_DIR_WORD",
    "FIXED_TMP",
    "INTERPRETERS",
    "NO_UNQUOTED",
    "RULES",
    "SANITISERS",
    "SHELLS",
    "SHELL_VARS",
    "SQL_CLIENTS",
    "SYMBOLIC_WW",
    "WRAPPERS",
    "T",
]

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

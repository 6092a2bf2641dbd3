"""Java security rules: the tables and small helpers the analysis and the scan share.

The rule data (sources, sinks, sanitisers, propagators) loaded from the ``java`` rule
table, the ``DL-JAVA-*`` rules and their fixes, the XXE severity levels, ``JavaCall``
(one call on its way through the sink checks) and node helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    make_rules,
    words,
)
from devlab.reverse.taint import Taint

__all__ = [
    "ALLOW_METHODS",
    "CALLBACK_METHODS",
    "CLEAN_METHODS",
    "COOKIEISH",
    "FILES_METHODS",
    "FILE_METHODS",
    "FUNCTION_TYPES",
    "HTML_TEXT",
    "HTTP_CTORS",
    "JDBC_TEMPLATE",
    "MAPPINGS",
    "MUTATORS",
    "NON_TEXT_TYPES",
    "PATH_CTORS",
    "RANDOM_METHODS",
    "REQ_METHODS",
    "REQ_TYPES",
    "REST_METHODS",
    "RETURN_TYPES",
    "RULES",
    "SANITISER_METHODS",
    "SANITISER_QUALS",
    "SCALAR_BOXES",
    "SIMPLE_TYPES",
    "SOURCE_ANNOTATIONS",
    "SQL_ALWAYS",
    "SQL_RECV",
    "WEAK_CIPHER",
    "WEAK_DIGESTS",
    "WEAK_GETINSTANCE",
    "WRITER_METHODS",
    "XML_FACTORIES",
    "XML_PARSERS",
    "XXE_LEVEL",
    "XXE_SAFE",
    "JavaCall",
    "T",
    "array_init",
]


WEAK_GETINSTANCE = re.compile(r'^MessageDigest\.getInstance\(\s*"([\w-]+)"\s*\)$')
HTML_TEXT = re.compile(r'"\s*<[A-Za-z!/]')  # a string literal that starts with a tag
#: the rule tables (sources, sinks, sanitisers, propagators) as data
T = load_table("java")
ALLOW_METHODS = T.names("guards.allow_list_methods")
FUNCTION_TYPES = words("method_declaration constructor_declaration lambda_expression")
RULES = make_rules(
    "JAVA",
    {
        "cmd": "Run a fixed program with ProcessBuilder and pass user values as separate "
        "arguments (no 'sh -c'); validate them against an allow-list.",
        "code": "Never evaluate user input as script or expression language; use "
        "SimpleEvaluationContext for SpEL or map inputs to fixed operations.",
        "sql": "Use a PreparedStatement with ? placeholders (or named parameters / JPA "
        "setParameter) instead of concatenating values into the query.",
        "path": "Resolve the name against the base directory, normalize() it and reject it "
        "unless it startsWith(base); or keep only FilenameUtils.getName(name).",
        "deser": "Do not deserialise untrusted data with ObjectInputStream/XMLDecoder/"
        "XStream; use JSON into fixed types, an ObjectInputFilter allow-list, or "
        "new Yaml(new SafeConstructor(...)).",
        "ssrf": "Check the URL's scheme and host against an allow-list before connecting and "
        "block internal address ranges.",
        "redirect": "Redirect only to relative paths or to allow-listed hosts.",
        "xss": "Encode output for its context (OWASP Encoder Encode.forHtml(), "
        "HtmlUtils.htmlEscape()) or render through an escaping template.",
        "ldap": "Escape filter values with LdapEncoder.filterEncode() (Spring LDAP) or use "
        'a parameterised filter: ctx.search(base, "(uid={0})", new Object[]{v}, ctls).',
        "xpath": "Use an XPathVariableResolver with $variables instead of concatenating "
        "input into the expression.",
        "trust": "Validate the value before storing it in the session.",
    },
)

REQ_TYPES = T.pattern("sources.request_types")
REQ_METHODS = T.names("sources.request_methods")
SOURCE_ANNOTATIONS = T.names("sources.parameter_annotations")
MAPPINGS = T.names("sources.mapping_annotations")
SIMPLE_TYPES = T.names("sources.simple_types")
NON_TEXT_TYPES = T.names("sources.non_text_types")  # bound values that hold no text
SANITISER_QUALS = T.kinds("sanitisers")
SANITISER_METHODS = T.kinds("sanitiser_methods")
CLEAN_METHODS = T.names("propagators.clean_methods")
MUTATORS = T.names("propagators.mutators")
CALLBACK_METHODS = T.names("propagators.callbacks")
PATH_CTORS = T.names("sinks.path.constructors")
FILES_METHODS = T.names("sinks.path.files_methods")
FILE_METHODS = T.names("sinks.path.file_methods")
SQL_ALWAYS = T.names("sinks.sql.always")
JDBC_TEMPLATE = T.names("sinks.sql.jdbc_template")
SQL_RECV = T.pattern("sinks.sql.receivers")
REST_METHODS = T.names("sinks.ssrf.rest_template")
HTTP_CTORS = T.names("sinks.ssrf.constructors")
WRITER_METHODS = T.names("sinks.xss.writer_methods")
RANDOM_METHODS = T.names("config.random_methods")
XML_FACTORIES = T.names("sinks.xxe.factories")
XXE_SAFE = T.pattern("sinks.xxe.safe_features")
WEAK_DIGESTS = T.names("config.weak_digests")
WEAK_CIPHER = T.pattern("config.weak_ciphers")
COOKIEISH = T.pattern("config.cookie_names")
RETURN_TYPES = T.mapping("propagators.return_types")


XXE_LEVEL = {
    # what the method parses -> (severity, confidence, message tail)
    "source": ("high", "medium", "and parses user data in this method"),
    "untraced": ("medium", "low", "and parses a document of untraced origin in this method"),
    None: ("low", "low", "(no document from a user reaches its parser in this method)"),
}
XML_PARSERS = T.names("sinks.xxe.parsers")


@dataclass(frozen=True, slots=True)
class JavaCall:
    """One call on its way through ``JavaScan.check_call``: the call node, its qualified
    and simple names, the receiver (node, text, declared type, taints), the arguments."""

    node: Node
    q: str
    name: str
    obj: Node | None
    recv_text: str
    rtype: str
    recv_t: list[Taint]
    args: list[Node]
    arg_t: list[list[Taint]]

    def arg(self, i: int) -> list[Taint]:
        """The taints of argument ``i`` (none past the last)."""
        return self.arg_t[i] if i < len(self.arg_t) else []


SCALAR_BOXES = frozenset(
    {"int", "long", "short", "byte", "double", "float", "boolean", "Integer", "Long", "Short"}
    | {"Byte", "Double", "Float", "Boolean"}
)  # pattern components of these types hold no text


def array_init(node: Node) -> Node | None:
    if node.type == "array_creation_expression":
        return node.child_by_field_name("value")
    if node.type == "array_initializer":
        return node
    return None

"""API Builder errors, each a ``DevLabError`` so both doors render them alike::

InvalidInput (422)
+-- SpecInvalid (422)          the document breaks OpenAPI; detail names pointer + line
+-- RefRefused (422)           a $ref to a URL or a file outside the uploaded bundle
+-- SpecTooLarge (413)         bytes, nesting depth or $ref expansions over the limit
+-- DDLInvalid (422)           SQL that does not parse, with the line
+-- UnsupportedDialect (422)   a SQL dialect sqlglot is not asked to read
+-- UnsupportedSDKLanguage (400)  lists the supported languages and frameworks
+-- EditRejected (422)         a builder edit that would leave the design invalid
DevLabError
+-- TargetRefused (403)        a live-test target outside the allow-list; names the rule
"""

from __future__ import annotations

from devlab.errors import DevLabError, InvalidInput


class SpecInvalid(InvalidInput):
    status_code = 422


class RefRefused(InvalidInput):
    status_code = 422


class SpecTooLarge(InvalidInput):
    status_code = 413


class DDLInvalid(InvalidInput):
    status_code = 422


class UnsupportedDialect(InvalidInput):
    status_code = 422


class UnsupportedSDKLanguage(InvalidInput):
    status_code = 400


class EditRejected(InvalidInput):
    status_code = 422


class TargetRefused(DevLabError):
    status_code = 403
    exit_code = 2


__all__ = [
    "DDLInvalid",
    "EditRejected",
    "RefRefused",
    "SpecInvalid",
    "SpecTooLarge",
    "TargetRefused",
    "UnsupportedDialect",
    "UnsupportedSDKLanguage",
]

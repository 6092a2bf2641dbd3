"""SDK generation: one plan, three languages, template-based and deterministic."""

from __future__ import annotations

import time

from devlab.apibuilder.errors import UnsupportedSDKLanguage
from devlab.apibuilder.models import ApiModel, GeneratedSdk
from devlab.apibuilder.sdk.plan import build_plan

FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "python": ("httpx", "requests"),
    "typescript": ("fetch", "axios"),
    "java": ("okhttp",),
    "go": ("net/http",),
}
_ALIASES = {
    "py": "python",
    "ts": "typescript",
    "javascript": "typescript",
    "js": "typescript",
    "golang": "go",
}


def resolve_target(language: str, framework: str | None = None) -> tuple[str, str]:
    """(language, framework), or UnsupportedSDKLanguage (400) listing what is supported."""
    lang = _ALIASES.get((language or "").lower(), (language or "").lower())
    supported = "; ".join(f"{k} ({', '.join(v)})" for k, v in FRAMEWORKS.items())
    if lang not in FRAMEWORKS:
        raise UnsupportedSDKLanguage(
            f"unsupported SDK language {language!r}; supported: {supported}",
            detail={"supported": {k: list(v) for k, v in FRAMEWORKS.items()}},
        )
    fw = (framework or FRAMEWORKS[lang][0]).lower()
    if fw not in FRAMEWORKS[lang]:
        raise UnsupportedSDKLanguage(
            f"framework {framework!r} is not available for {lang}; "
            f"use one of: {', '.join(FRAMEWORKS[lang])} (all: {supported})",
            detail={"supported": {k: list(v) for k, v in FRAMEWORKS.items()}},
        )
    return lang, fw


def generate_sdk(model: ApiModel, language: str, framework: str | None = None) -> GeneratedSdk:
    """The SDK's files for ``model`` (same model, same bytes)."""
    lang, fw = resolve_target(language, framework)
    started = time.perf_counter()
    plan = build_plan(model)
    if lang == "python":
        from devlab.apibuilder.sdk.python import generate_python

        files = generate_python(model, plan, fw)
    elif lang == "typescript":
        from devlab.apibuilder.sdk.typescript import generate_typescript

        files = generate_typescript(model, plan, fw)
    elif lang == "java":
        from devlab.apibuilder.sdk.java import generate_java

        files = generate_java(model, plan, fw)
    else:
        from devlab.apibuilder.sdk.golang import generate_go

        files = generate_go(model, plan, fw)
    return GeneratedSdk(
        language=lang,
        framework=fw,
        files=files,
        operations=len(model.operations),
        models=len(plan.models),
        generate_ms=round((time.perf_counter() - started) * 1000, 1),
    )


__all__ = ["FRAMEWORKS", "generate_sdk", "resolve_target"]

"""``doctor``: which languages and isolation features work here, and why not.

Every isolation feature is tried for real (a tiny sandbox per feature), not
guessed from files, so the report says what a run would actually get.
"""

from __future__ import annotations

import shutil
import subprocess

from devlab.config import Settings
from devlab.sandbox import languages
from devlab.sandbox.cgroups import cgroup_pool
from devlab.sandbox.models import DoctorReport, FeatureStatus, LanguageStatus
from devlab.sandbox.runner import enforcement


def _probe(args: list[str], script: str) -> tuple[bool, str]:
    from devlab.sandbox import bwrap

    try:
        tpl = bwrap.template()
    except bwrap.BwrapUnavailable as exc:
        return False, str(exc)
    argv = [*tpl.prefix, tpl.bwrap, *args, "/bin/sh", "-c", script]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    text = (out.stdout + out.stderr).strip()
    return out.returncode == 0, text[-300:]


def _isolation() -> list[FeatureStatus]:
    features: list[FeatureStatus] = []
    bwrap_path = shutil.which("bwrap")
    if not bwrap_path:
        return [
            FeatureStatus(
                feature="bwrap",
                works=False,
                detail="not installed; install the Debian package bubblewrap",
            )
        ]
    from devlab.sandbox import bwrap

    try:
        tpl = bwrap.template()
        features.append(FeatureStatus(feature="bwrap", works=True, detail=tpl.version))
    except bwrap.BwrapUnavailable as exc:
        return [FeatureStatus(feature="bwrap", works=False, detail=str(exc))]
    base = [
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    checks = {
        "user namespace": (["--unshare-user", "--uid", "65534"], "test $(id -u) = 65534"),
        "pid namespace": (["--unshare-user", "--unshare-pid"], "test $$ -le 3"),
        "net namespace": (
            ["--unshare-user", "--unshare-net"],
            "test $(ls /proc/sys/net/ipv4/conf | wc -l) -le 3",
        ),
        "ipc/uts namespaces": (
            ["--unshare-user", "--unshare-ipc", "--unshare-uts", "--hostname", "probe"],
            "test $(cat /proc/sys/kernel/hostname) = probe",
        ),
        # max_disk_mb is a total only while /work, /tmp and /dev/shm are one tmpfs.
        "shared disk cap": (
            ["--unshare-user", *bwrap.scratch_args(4)],
            "d=$(stat -c %d /work) && test $(stat -c %d /tmp) = $d && "
            "test $(stat -c %d /dev/shm) = $d && touch /work/p /tmp/p /dev/shm/p",
        ),
    }
    for name, (args, script) in checks.items():
        ok, detail = _probe(base + args, script)
        features.append(FeatureStatus(feature=name, works=ok, detail="" if ok else detail))
    features.append(_seccomp_status())
    features.append(_cgroups_status())
    return features


def _seccomp_status() -> FeatureStatus:
    try:
        from devlab.sandbox.seccomp import filter_bytes

        size = len(filter_bytes())
        return FeatureStatus(
            feature="seccomp", works=True, detail=f"libseccomp filter, {size} bytes of BPF"
        )
    except Exception as exc:  # doctor reports, never raises
        return FeatureStatus(feature="seccomp", works=False, detail=str(exc))


def _cgroups_status() -> FeatureStatus:
    pool = cgroup_pool()
    return FeatureStatus(
        feature="cgroups",
        works=pool.available,
        detail=(
            f"cgroup v{pool.version}: " + ", ".join(f"{k}: {v}" for k, v in pool.roots.items())
            if pool.available
            else f"{pool.reason}; falling back to rlimits (run as root for cgroups)"
        ),
    )


def doctor(settings: Settings) -> DoctorReport:
    """Check every language's toolchain and every isolation feature on this machine."""
    langs = []
    for name, lang in languages.LANGUAGES.items():
        reason = languages.missing_reason(name)
        langs.append(
            LanguageStatus(
                language=name,
                available=not reason,
                toolchain=languages.toolchain_version(name) if not reason else "",
                reason=reason,
                install=lang.package if reason else "",
            )
        )
    if not shutil.which("junit-platform-console-standalone.jar"):
        from pathlib import Path

        if not Path(languages.JUNIT_JAR).exists():
            for status in langs:
                if status.language == "java" and status.available:
                    status.reason = "java test mode needs the Debian package junit5"
    isolation = _isolation()
    pool = cgroup_pool()
    return DoctorReport(
        ok=all(f.works for f in isolation if f.feature != "cgroups"),
        languages=langs,
        isolation=isolation,
        enforcement=enforcement(
            pool.available, "cpuacct" in pool.roots or pool.version == 2, version=pool.version
        ),
    )


__all__ = ["doctor"]

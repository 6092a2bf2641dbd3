"""A seccomp filter for the sandbox, compiled once per process with libseccomp.

libseccomp (Debian's ``libseccomp2``) is driven through ctypes: the default
action allows, and the syscalls below return EPERM. ``clone`` with any
namespace flag is refused too (``unshare`` by another name), and ``clone3``
answers ENOSYS because its flags sit in memory a filter cannot read; libc then
falls back to ``clone``, which the filter can inspect (Docker does the same).
The BPF program is exported once to bytes; each run hands bwrap a fresh pipe
holding those bytes (``bwrap --seccomp FD``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import threading

# Denied outright (EPERM). The list plus the usual container deny-list.
DENIED_SYSCALLS = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "mount",
    "umount2",
    "mount_setattr",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "pivot_root",
    "chroot",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "unshare",
    "setns",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "init_module",
    "finit_module",
    "delete_module",
    "create_module",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "acct",
    "swapon",
    "swapoff",
    "syslog",
    "quotactl",
    "lookup_dcookie",
    "open_by_handle_at",
    "name_to_handle_at",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "uselib",
    "vhangup",
    "nfsservctl",
    # Handles on other processes: pidfd_getfd stole bwrap pid 1's exit-status
    # eventfd (a forged verdict); none of these is needed by a program that only
    # waits for its own children.
    "pidfd_getfd",
    "pidfd_send_signal",
    "process_madvise",
    "process_mrelease",
)

# Answered ENOSYS, so runtimes take their "old kernel" path: pidfd_open (Go and
# others fall back to waitpid), and Linux AIO, whose io_setup draws on a
# machine-wide allowance (fs.aio-max-nr) that one sandbox could use up.
ENOSYS_SYSCALLS = (
    "pidfd_open",
    "io_setup",
    "io_destroy",
    "io_submit",
    "io_cancel",
    "io_getevents",
    "io_pgetevents",
)

# socket(2) families allowed: AF_UNIX (1), AF_INET (2), AF_INET6 (10). Everything
# else (AF_VSOCK, AF_PACKET, AF_NETLINK, AF_ALG, ...) gets EAFNOSUPPORT: vsock is not
# confined by the network namespace and reaches the hypervisor on a VM.
SOCKET_FAMILIES = {1: "AF_UNIX", 2: "AF_INET", 10: "AF_INET6"}
_AF_MAX_ALLOWED = 10

# clone(2) flags that create namespaces.
_NS_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
    0x00000080,  # CLONE_NEWTIME
)

_SCMP_ACT_ALLOW = 0x7FFF0000
_SCMP_CMP_EQ = 4
_SCMP_CMP_GT = 6
_SCMP_CMP_MASKED_EQ = 7


def _act_errno(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


class SeccompUnavailable(RuntimeError):
    """libseccomp is missing or refused to build the filter."""


_lock = threading.Lock()
_cached: bytes | None = None


def _load() -> ctypes.CDLL:
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise SeccompUnavailable(
            f"libseccomp not found ({exc}); install the Debian package libseccomp2"
        ) from exc
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    ]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


def _rule(lib: ctypes.CDLL, ctx: int, action: int, name: str, *cmps: _ArgCmp) -> None:
    nr = lib.seccomp_syscall_resolve_name(name.encode())
    if nr == -1:  # __NR_SCMP_ERROR: unknown to this libseccomp; nothing to deny
        return
    array = (_ArgCmp * len(cmps))(*cmps) if cmps else None
    rc = lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), array)
    if rc < 0:
        raise SeccompUnavailable(f"seccomp_rule_add({name}) failed: {os.strerror(-rc)}")


def _build() -> bytes:
    lib = _load()
    ctx = lib.seccomp_init(_SCMP_ACT_ALLOW)
    if not ctx:
        raise SeccompUnavailable("seccomp_init failed")
    try:
        for name in DENIED_SYSCALLS:
            _rule(lib, ctx, _act_errno(errno.EPERM), name)
        for flag in _NS_FLAGS:
            _rule(
                lib,
                ctx,
                _act_errno(errno.EPERM),
                "clone",
                _ArgCmp(0, _SCMP_CMP_MASKED_EQ, flag, flag),
            )
        _rule(lib, ctx, _act_errno(errno.ENOSYS), "clone3")
        for name in ENOSYS_SYSCALLS:
            _rule(lib, ctx, _act_errno(errno.ENOSYS), name)
        _socket_rules(lib, ctx)
        read_fd, write_fd = os.pipe()
        try:
            rc = lib.seccomp_export_bpf(ctx, write_fd)
            os.close(write_fd)
            write_fd = -1
            if rc < 0:
                raise SeccompUnavailable(f"seccomp_export_bpf failed: {os.strerror(-rc)}")
            chunks = []
            while chunk := os.read(read_fd, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
    finally:
        lib.seccomp_release(ctx)


def _socket_rules(lib: ctypes.CDLL, ctx: int) -> None:
    """socket(): only ``SOCKET_FAMILIES``; socketpair(): only AF_UNIX.

    The default action allows, so the refused families are listed: every value
    below the largest allowed one that is not allowed, and everything above it
    (the comparison is on the full 64-bit register, so a value with high bits
    set, which the kernel would truncate, is refused too).
    """
    refuse = _act_errno(errno.EAFNOSUPPORT)
    for family in range(_AF_MAX_ALLOWED):
        if family not in SOCKET_FAMILIES:
            _rule(lib, ctx, refuse, "socket", _ArgCmp(0, _SCMP_CMP_EQ, family, 0))
    _rule(lib, ctx, refuse, "socket", _ArgCmp(0, _SCMP_CMP_GT, _AF_MAX_ALLOWED, 0))
    _rule(lib, ctx, refuse, "socketpair", _ArgCmp(0, _SCMP_CMP_EQ, 0, 0))
    _rule(lib, ctx, refuse, "socketpair", _ArgCmp(0, _SCMP_CMP_GT, 1, 0))


def filter_bytes() -> bytes:
    """The compiled BPF program (built on first call, then cached for the process)."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = _build()
        return _cached


def filter_fd() -> int:
    """A pipe read end holding the filter, for ``bwrap --seccomp FD`` (caller closes it)."""
    data = filter_bytes()
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, data)  # a few hundred bytes: always fits the pipe buffer
    finally:
        os.close(write_fd)
    return read_fd


__all__ = [
    "DENIED_SYSCALLS",
    "ENOSYS_SYSCALLS",
    "SOCKET_FAMILIES",
    "SeccompUnavailable",
    "filter_bytes",
    "filter_fd",
]

"""Python transport rules: the stdlib's TLS mail/news/FTP clients given no SSL context do
not verify certificates (CWE-295); a login on a plain client never upgraded, and FTP or
Telnet to a remote host, are clear text (CWE-319); ``logging.config.listen()`` without
``verify`` runs what its port receives (CWE-94); a password-hashing function asked for a
weak algorithm is a weak hash of a password (CWE-328). Each vulnerable form is beside its
safe look-alike."""

from __future__ import annotations

from devlab.reverse.security import scan_source


def found(code: str, cwe: str) -> list[int]:
    """Lines of default-view (medium+) findings of ``cwe`` in ``code``."""
    return [
        f.start_line
        for f in scan_source("mailer.py", code)
        if f.cwe == cwe and f.severity in ("medium", "high", "critical")
    ]


def test_tls_client_without_context_beside_one_with_a_verifying_context() -> None:
    bad = "import ftplib\nftp = ftplib.FTP_TLS('ftp.example.org')\nftp.login()\n"
    good = (
        "import ftplib, ssl\n"
        "ftp = ftplib.FTP_TLS('ftp.example.org', context=ssl.create_default_context())\n"
        "ftp.login()\n"
    )
    assert found(bad, "CWE-295") == [2]
    assert found(good, "CWE-295") == []


def test_a_context_held_in_a_constant_none_is_none_and_a_parameter_is_the_callers() -> None:
    bad = "import imaplib\nCTX = None\nm = imaplib.IMAP4_SSL('mail.example.org', ssl_context=CTX)\n"
    assert found(bad, "CWE-295") == [3]
    good = "import imaplib\ndef connect(ctx):\n    return imaplib.IMAP4_SSL('h', ssl_context=ctx)\n"
    assert found(good, "CWE-295") == []
    from_import = "from smtplib import SMTP_SSL\ns = SMTP_SSL('smtp.example.org', 465)\n"
    assert found(from_import, "CWE-295") == [2]


def test_starttls_without_context_beside_with_context_and_login_after_it() -> None:
    head = (
        "import smtplib, ssl\ndef send(user, pw):\n    s = smtplib.SMTP('smtp.example.org', 587)\n"
    )
    bad = head + "    s.starttls()\n    s.login(user, pw)\n"
    good = head + "    s.starttls(context=ssl.create_default_context())\n    s.login(user, pw)\n"
    assert found(bad, "CWE-295") == [4]
    assert found(bad, "CWE-319") == []  # upgraded before the login (badly: CWE-295)
    assert found(good, "CWE-295") == [] and found(good, "CWE-319") == []


def test_login_on_a_plain_client_never_upgraded_is_clear_text() -> None:
    bad = (
        "import poplib\nclass Box:\n    def open(self, user, pw):\n"
        "        self.conn = poplib.POP3('pop.example.org')\n"
        "        self.conn.user(user)\n        self.conn.pass_(pw)\n"
    )
    assert found(bad, "CWE-319") == [6]
    good = bad.replace(
        "poplib.POP3('pop.example.org')", "poplib.POP3_SSL('pop.example.org', context=c)"
    )
    assert found(good, "CWE-319") == []
    with_bad = "import smtplib\nwith smtplib.SMTP('smtp.example.org') as s:\n    s.login('u', p)\n"
    with_good = (
        "import smtplib, ssl\nwith smtplib.SMTP('smtp.example.org') as s:\n"
        "    s.starttls(context=ssl.create_default_context())\n    s.login('u', p)\n"
    )
    assert found(with_bad, "CWE-319") == [3]
    assert found(with_good, "CWE-319") == [] and found(with_good, "CWE-295") == []


def test_ftp_and_telnet_to_a_remote_host_beside_the_loopback() -> None:
    assert found("import ftplib\nftplib.FTP('ftp.example.org').quit()\n", "CWE-319") == [2]
    assert found("import telnetlib\nt = telnetlib.Telnet(host)\n", "CWE-319") == [2]
    assert found("import ftplib\nftplib.FTP('localhost').quit()\n", "CWE-319") == []
    assert found("import telnetlib\nt = telnetlib.Telnet('127.0.0.1', 23)\n", "CWE-319") == []
    # a login to the local relay does not cross a network either; a missing host is unknown
    relay = "import smtplib\ns = smtplib.SMTP({})\ns.login(user, pw)\n"
    assert found(relay.format("'localhost'"), "CWE-319") == []
    assert found(relay.format(""), "CWE-319") == [3]


def test_import_of_a_clear_text_module_alone_is_not_a_finding() -> None:
    code = "import ftplib\nimport telnetlib\nimport pickle\nVERSION = 1\n"
    assert [
        f for f in scan_source("m.py", code) if f.severity != "low" and f.severity != "info"
    ] == []


def test_logging_listen_without_verify_beside_with_verify() -> None:
    bad = "import logging.config\nt = logging.config.listen(9999)\n"
    none = "import logging.config\nt = logging.config.listen(9999, verify=None)\n"
    good = "import logging.config\nt = logging.config.listen(9999, verify=check_signature)\n"
    assert found(bad, "CWE-94") == [2]
    assert found(none, "CWE-94") == [2]
    assert found(good, "CWE-94") == []


def test_password_hash_functions_with_a_weak_algorithm_beside_a_strong_one() -> None:
    kdf = "import hashlib\nk = hashlib.pbkdf2_hmac('{}', pw, salt, 600_000)\n"
    assert found(kdf.format("sha1"), "CWE-328") == [2]
    assert found(kdf.format("sha256"), "CWE-328") == []
    # a constant is nobody's password: a probe of the platform's crypt(), an example
    assert found("from crypt import crypt\ncrypt(b'\\xee', 'xx')\n", "CWE-328") == []
    assert found("import hashlib\nhashlib.pbkdf2_hmac('sha1', b'pw', b's', 9)\n", "CWE-328") == []
    assert found(
        "import hashlib\n"
        "k = hashlib.pbkdf2_hmac(hash_name='md5', password=pw, salt=s, iterations=9)\n",
        "CWE-328",
    ) == [2]
    crypt = "import crypt\nh = crypt.crypt(pw, {})\n"
    assert found(crypt.format("crypt.METHOD_MD5"), "CWE-328") == [2]
    assert found(crypt.format("'ab'"), "CWE-328") == [2]  # a two-character salt: DES
    assert found(crypt.format("crypt.METHOD_SHA512"), "CWE-328") == []
    assert found(crypt.format("'$6$saltsalt'"), "CWE-328") == []
    assert found("import crypt\nh = crypt.crypt(pw)\n", "CWE-328") == []  # the strongest default
    assert found("import crypt\ns = crypt.mksalt(crypt.METHOD_CRYPT)\n", "CWE-328") == [2]
    assert found("import crypt\ns = crypt.mksalt(crypt.METHOD_BLOWFISH)\n", "CWE-328") == []
    # a plain md5 of nothing traced stays presence only (low)
    assert found("import hashlib\nh = hashlib.md5(data)\n", "CWE-328") == []


def test_context_verification_switched_off_beside_left_on() -> None:
    head = "import ssl, socket\nctx = ssl.create_default_context()\n"
    assert found(head + "ctx.verify_mode = ssl.CERT_NONE\n", "CWE-295") == [3]
    assert found(head + "ctx.check_hostname = False\n", "CWE-295") == [3]
    assert (
        found(head + "ctx.verify_mode = ssl.CERT_REQUIRED\nctx.check_hostname = True\n", "CWE-295")
        == []
    )
    wrap = "import ssl, socket\ns = ssl.wrap_socket(socket.socket(){})\n"
    assert found(wrap.format(""), "CWE-295") == [2]
    assert found(wrap.format(", cert_reqs=ssl.CERT_NONE"), "CWE-295") == [2]
    assert found(wrap.format(", cert_reqs=ssl.CERT_REQUIRED, ca_certs=CA"), "CWE-295") == []

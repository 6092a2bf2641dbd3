"""Go security rules: net/http handlers, vulnerable vs fixed variants, cross-function flow,
gin sources, and the configuration rules (TLS, cookies, crypto, randomness, pprof)."""

from __future__ import annotations

import textwrap

import pytest

from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.security_ts import scan_treesitter_source

HEADER = """\
package api

import (
\t"database/sql"
\t"fmt"
\t"html"
\t"html/template"
\t"net/http"
\t"os"
\t"os/exec"
\t"path/filepath"
\t"strings"

\t"github.com/gorilla/mux"
)

var db *sql.DB

"""


def handler(body: str) -> str:
    body = textwrap.indent(textwrap.dedent(body).strip("\n"), "\t")
    return (
        HEADER + "func reportHandler(w http.ResponseWriter, r *http.Request) {\n" + body + "\n}\n"
    )


def scan(code: str, path: str = "internal/api/handlers.go") -> list[Finding]:
    return scan_treesitter_source(path, code, "go")


def at_least(findings: list[Finding], rule_id: str, severity: str) -> list[Finding]:
    return [
        f
        for f in findings
        if f.rule_id == rule_id and SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[severity]
    ]


CASES = {
    "cmdi": (
        "DL-GO-CMDI",
        "CWE-78",
        "critical",
        "r.URL",
        """
        host := r.URL.Query().Get("host")
        out, _ := exec.Command("sh", "-c", "ping -c 1 "+host).Output()
        w.Write(out)
        """,
        """
        host := r.URL.Query().Get("host")
        out, _ := exec.Command("ping", "-c", "1", host).Output()
        w.Write(out)
        """,
    ),
    "sqli": (
        "DL-GO-SQLI",
        "CWE-89",
        "high",
        "r.FormValue()",
        """
        id := r.FormValue("id")
        q := fmt.Sprintf("SELECT name FROM users WHERE id = '%s'", id)
        rows, err := db.Query(q)
        _, _ = rows, err
        """,
        """
        id := r.FormValue("id")
        rows, err := db.Query("SELECT name FROM users WHERE id = $1", id)
        _, _ = rows, err
        """,
    ),
    "path": (
        "DL-GO-PATH",
        "CWE-22",
        "high",
        "mux.Vars",
        """
        name := mux.Vars(r)["name"]
        data, _ := os.ReadFile(filepath.Join("/srv/reports", name))
        w.Write(data)
        """,
        """
        name := mux.Vars(r)["name"]
        data, _ := os.ReadFile(filepath.Join("/srv/reports", filepath.Base(name)))
        fmt.Fprint(w, len(data))
        """,
    ),
    "path-guard": (
        "DL-GO-PATH",
        "CWE-22",
        "high",
        "r.URL",
        """
        p := filepath.Clean(filepath.Join("/srv/reports", r.URL.Path))
        http.ServeFile(w, r, p)
        """,
        """
        p := filepath.Clean(filepath.Join("/srv/reports", r.URL.Path))
        if !strings.HasPrefix(p, "/srv/reports/") {
        \thttp.Error(w, "forbidden", http.StatusForbidden)
        \treturn
        }
        http.ServeFile(w, r, p)
        """,
    ),
    "ssrf": (
        "DL-GO-SSRF",
        "CWE-918",
        "high",
        "r.URL",
        """
        resp, err := http.Get(r.URL.Query().Get("target"))
        _, _ = resp, err
        """,
        """
        resp, err := http.Get("https://status.example.org/health")
        _, _ = resp, err
        """,
    ),
    "redirect": (
        "DL-GO-REDIRECT",
        "CWE-601",
        "medium",
        "r.FormValue()",
        """
        http.Redirect(w, r, r.FormValue("next"), http.StatusFound)
        """,
        """
        http.Redirect(w, r, "/dashboard", http.StatusFound)
        """,
    ),
    "xss-fprintf": (
        "DL-GO-XSS",
        "CWE-79",
        "high",
        "r.URL",
        """
        name := r.URL.Query().Get("name")
        fmt.Fprintf(w, "<h1>Hello %s</h1>", name)
        """,
        """
        name := r.URL.Query().Get("name")
        fmt.Fprintf(w, "<h1>Hello %s</h1>", html.EscapeString(name))
        """,
    ),
    "xss-template": (
        "DL-GO-XSS",
        "CWE-79",
        "high",
        "r.FormValue()",
        """
        bio := template.HTML(r.FormValue("bio"))
        _ = bio
        """,
        """
        bio := template.HTML("<b>static</b>")
        _ = bio
        """,
    ),
    "trust": (
        "DL-GO-TRUST",
        "CWE-501",
        "medium",
        "r.FormValue()",
        """
        session, _ := store.Get(r, "app")
        session.Values["role"] = r.FormValue("role")
        """,
        """
        session, _ := store.Get(r, "app")
        session.Values["role"] = "viewer"
        """,
    ),
    "ldap": (
        "DL-GO-LDAPI",
        "CWE-90",
        "high",
        "r.FormValue()",
        """
        filter := "(uid=" + r.FormValue("user") + ")"
        req := ldap.NewSearchRequest("dc=example", 2, 0, 0, 0, false, filter, nil, nil)
        _ = req
        """,
        """
        filter := "(uid=" + ldap.EscapeFilter(r.FormValue("user")) + ")"
        req := ldap.NewSearchRequest("dc=example", 2, 0, 0, 0, false, filter, nil, nil)
        _ = req
        """,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_vulnerable_handler_is_reported_with_its_taint_path(case: str) -> None:
    rule_id, cwe, severity, source, vulnerable, _ = CASES[case]
    found = at_least(scan(handler(vulnerable)), rule_id, severity)
    assert found, f"{case}: nothing reported"
    f = found[0]
    assert (f.cwe, f.severity, f.confidence) == (cwe, severity, "high")
    assert f.symbol == "reportHandler"
    assert f.taint_path[0].note == f"source: {source}"
    assert f.taint_path[-1].note.startswith("sink: ")
    assert f.fix


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixed_handler_is_not_reported(case: str) -> None:
    rule_id, _, _, _, _, fixed = CASES[case]
    found = scan(handler(fixed))
    assert not at_least(found, rule_id, "medium"), [f.message for f in found]


def test_cross_function_flow_and_decoded_bodies() -> None:
    code = HEADER + textwrap.dedent(
        """\
        type job struct{ Script string }

        func (s *Server) run(w http.ResponseWriter, r *http.Request) {
        \tvar j job
        \tif err := json.NewDecoder(r.Body).Decode(&j); err != nil {
        \t\treturn
        \t}
        \tlaunch(j.Script)
        \tlaunch("make all")
        }

        func launch(script string) error {
        \treturn exec.Command("bash", "-c", script).Run()
        }
        """
    )
    found = at_least(scan(code), "DL-GO-CMDI", "critical")
    assert len(found) == 1
    f = found[0]
    assert f.symbol == "launch"
    notes = [s.note for s in f.taint_path]
    assert notes[0] == "source: r.Body"
    assert "passed to launch() (same file)" in notes
    assert notes[-1].startswith('sink: exec.Command("bash", "-c", ...)')


def test_gin_context_sources() -> None:
    code = textwrap.dedent(
        """\
        package main

        import (
        \t"os/exec"
        \t"github.com/gin-gonic/gin"
        )

        func ping(c *gin.Context) {
        \thost := c.Query("host")
        \tout, _ := exec.Command("/bin/sh", "-c", "ping -c1 "+host).CombinedOutput()
        \tc.String(200, string(out))
        }
        """
    )
    found = at_least(scan(code, "main.go"), "DL-GO-CMDI", "critical")
    assert found and found[0].taint_path[0].note == "source: c.Query()"


def test_constants_and_command_line_input() -> None:
    code = textwrap.dedent(
        """\
        package main

        import (
        \t"os"
        \t"os/exec"
        )

        func main() {
        \texec.Command("git", "status").Run()
        \texec.Command(os.Args[0], "-child").Run()
        \tdata, _ := os.ReadFile(os.Args[1])
        \t_ = data
        \texec.Command("sh", "-c", "echo "+os.Getenv("GREETING")).Run()
        }
        """
    )
    found = scan(code, "cmd/tool/main.go")
    assert [(f.rule_id, f.start_line, f.severity, f.confidence) for f in found] == [
        ("DL-GO-CMDI", 13, "medium", "medium")  # environment: a weak source
    ]


def test_configuration_rules() -> None:
    code = textwrap.dedent(
        """\
        package auth

        import (
        \t"crypto/md5"
        \t"crypto/tls"
        \t"math/rand"
        \t"net/http"
        \t_ "net/http/pprof"
        )

        const apiKey = "sk_live_51HxYzAbCdEf"
        const tokenHeader = "X-Auth-Token"

        func hashPassword(password string) [16]byte {
        \treturn md5.Sum([]byte(password))
        }

        func client() *http.Client {
        \tcfg := &tls.Config{InsecureSkipVerify: true}
        \treturn &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
        }

        func newSessionToken() int64 {
        \tsessionToken := rand.Int63()
        \treturn sessionToken
        }

        func login(w http.ResponseWriter, sid string) {
        \thttp.SetCookie(w, &http.Cookie{Name: "session", Value: sid})
        \thttp.SetCookie(w, &http.Cookie{Name: "session", Value: sid, Secure: true, HttpOnly: true})
        }
        """
    )
    found = scan(code, "internal/auth/auth.go")
    got = sorted((f.rule_id, f.start_line, f.severity) for f in found)
    assert got == [
        ("DL-GO-COOKIE", 29, "medium"),
        ("DL-GO-CREDS", 11, "medium"),
        ("DL-GO-DEBUG", 8, "medium"),
        ("DL-GO-RANDOM", 24, "high"),
        ("DL-GO-TLS", 19, "high"),
        ("DL-GO-WEAKHASH", 15, "high"),
    ], got

# ruff: noqa: E501  (the idiom templates are code as data: one template a line)
"""Generate DevLab's labelled Go security benchmark (``go/``), like gen_js.py.

    python benchmarks/security_cases/gen_go.py

net/http handlers (``func(w http.ResponseWriter, r *http.Request)`` reading
``r.URL.Query().Get``, ``r.FormValue``, ``r.Header.Get``, cookies, ``r.PathValue``) and
Gin handlers (``c.Query``, ``c.PostForm``, ``c.Param``, ``c.GetHeader``, ``c.Cookie``);
per category vulnerable sinks and safe counterparts; flows direct, through a helper,
``fmt.Sprintf``, ``strings.Builder``, a map, a struct field, a default; safe flows by
constant re-assignment, an allow-list switch, ``strconv.Atoi`` and a helper returning a
constant. Categories are those Go code meets: no XXE (``encoding/xml`` resolves no
external entities), no eval-style code injection and no gadget deserialisation in Go's
standard library; template injection (CWE-1336) is scored as its own category.
Written before any tuning of the Go model; split tune/held-out by a hash of the id.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "go"
PER_SIDE = 8
CWE = {
    "cmdi": "CWE-78", "sqli": "CWE-89", "path": "CWE-22", "xss": "CWE-79",
    "redirect": "CWE-601", "ldap": "CWE-90", "xpath": "CWE-643", "trust": "CWE-501",
    "weakhash": "CWE-328", "weakrand": "CWE-330", "cookie": "CWE-614", "ssti": "CWE-1336",
}  # fmt: skip
CONST = {
    "cmdi": "localhost", "sqli": "alice", "path": "report.txt", "xss": "guest",
    "redirect": "/home", "ldap": "jdoe", "xpath": "alice", "trust": "guest", "weakhash": "pw",
    "weakrand": "x", "cookie": "anon", "ssti": "Hello",
}  # fmt: skip
NAMES = {
    "cmdi": "host", "sqli": "name", "path": "file", "xss": "comment", "redirect": "next",
    "ldap": "user", "xpath": "title", "trust": "role", "weakhash": "password",
    "weakrand": "email", "cookie": "pref", "ssti": "greeting",
}  # fmt: skip
IMPORTS = {
    "cmdi": '"os/exec"',
    "sqli": '"database/sql"',
    "path": '"os"\n\t"path/filepath"',
    "xss": '"html"\n\t"html/template"',
    "redirect": '"net/url"',
    "ldap": '"github.com/go-ldap/ldap/v3"',
    "xpath": '"github.com/antchfx/xmlquery"',
    "trust": '"github.com/gorilla/sessions"',
    "weakhash": '"crypto/md5"\n\t"crypto/sha1"\n\t"crypto/sha256"\n\t"encoding/hex"',
    "weakrand": '"crypto/rand"\n\tmrand "math/rand"\n\t"encoding/hex"\n\t"github.com/gorilla/sessions"',
    "cookie": "",
    "ssti": '"html/template"',
}
GLOBALS = {
    "sqli": "var db *sql.DB\n",
    "ldap": "var conn *ldap.Conn\n",
    "xpath": "var usersDoc *xmlquery.Node\n",
    "trust": 'var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))\n',
    "weakrand": 'var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))\n',
}
HELPERS = """
func normalise(s string) string {
\treturn strings.TrimSpace(s)
}

func pick(raw string) string {
\treturn "CONSTVALUE"
}

type form struct {
\tValue string
}
"""
HTTP_SOURCES = [
    'r.URL.Query().Get("{n}")',
    'r.FormValue("{n}")',
    'r.Header.Get("X-{N}")',
    "cookieValue(r)",
    'r.PathValue("{n}")',
]
GIN_SOURCES = [
    'c.Query("{n}")',
    'c.PostForm("{n}")',
    'c.Param("{n}")',
    'c.GetHeader("X-{N}")',
    'c.DefaultQuery("{n}", "")',
]


def sinks(cat: str, gin: bool, vuln: bool) -> list[str]:
    """Sink statements ("{v}" is the variable) for net/http (w, r) or Gin (c)."""
    w = "c.Writer" if gin else "w"
    r = "c.Request" if gin else "r"
    html = (
        (lambda x: f'c.Data(200, "text/html; charset=utf-8", []byte({x}))')
        if gin
        else (lambda x: f"fmt.Fprint(w, {x})")
    )
    ok = 'c.String(200, "ok")' if gin else 'fmt.Fprint(w, "ok")'
    redirect = (
        (lambda x: f"c.Redirect(302, {x})")
        if gin
        else (lambda x: f"http.Redirect(w, r, {x}, http.StatusFound)")
    )
    if cat == "cmdi":
        return (
            [
                f'out, _ := exec.Command("sh", "-c", "ping -c 1 "+{{v}}).CombinedOutput()\n\t{w}.Write(out)',
                f'cmd := exec.Command("bash", "-c", fmt.Sprintf("nslookup %s", {{v}}))\n\t_ = cmd.Run()\n\t{ok}',
            ]
            if vuln
            else [
                f'out, _ := exec.Command("ping", "-c", "1", {{v}}).CombinedOutput()\n\t{w}.Write(out)',
                f'cmd := exec.Command("nslookup", {{v}})\n\t_ = cmd.Run()\n\t{ok}',
            ]
        )
    if cat == "sqli":
        return (
            [
                f'rows, _ := db.Query("SELECT id FROM users WHERE name = \'" + {{v}} + "\'")\n\tdefer rows.Close()\n\t{ok}',
                f"q := fmt.Sprintf(\"DELETE FROM carts WHERE owner = '%s'\", {{v}})\n\t_, _ = db.Exec(q)\n\t{ok}",
            ]
            if vuln
            else [
                f'rows, _ := db.Query("SELECT id FROM users WHERE name = $1", {{v}})\n\tdefer rows.Close()\n\t{ok}',
                f'_, _ = db.Exec("DELETE FROM carts WHERE owner = ?", {{v}})\n\t{ok}',
            ]
        )
    if cat == "path":
        return (
            [
                f'data, _ := os.ReadFile("/srv/files/" + {{v}})\n\t{w}.Write(data)',
                f'f, _ := os.Open(filepath.Join("/srv/uploads", {{v}}))\n\tdefer f.Close()\n\t{ok}',
            ]
            if vuln
            else [
                f'data, _ := os.ReadFile(filepath.Join("/srv/files", filepath.Base({{v}})))\n\t{w}.Write(data)',
                f'full := filepath.Join("/srv/uploads", {{v}})\n\tif !strings.HasPrefix(filepath.Clean(full), "/srv/uploads/") {{\n\t\thttp.Error({w}, "bad path", 400)\n\t\treturn\n\t}}\n\tf, _ := os.Open(full)\n\tdefer f.Close()\n\t{ok}',
            ]
        )
    if cat == "xss":
        return (
            [
                html('"<p>Hello " + {v} + "</p>"'),
                f'{w}.Header().Set("Content-Type", "text/html")\n\tfmt.Fprintf({w}, "<div>%s</div>", {{v}})',
                f'page := template.HTML("<p>" + {{v}} + "</p>")\n\t_ = template.Must(template.New("p").Parse("{{{{.}}}}")).Execute({w}, page)',
            ]
            if vuln
            else [
                html('"<p>Hello " + html.EscapeString({v}) + "</p>"'),
                f'_ = template.Must(template.New("p").Parse("<p>{{{{.}}}}</p>")).Execute({w}, {{v}})',
            ]
        )
    if cat == "redirect":
        return (
            [redirect("{v}"), redirect('"https://" + {v} + "/login"')]
            if vuln
            else [
                f"log.Println({{v}})\n\t{redirect(chr(34) + '/home' + chr(34))}",
                redirect('"/search?q=" + url.QueryEscape({v})'),
            ]
        )
    if cat == "ldap":
        return (
            [
                f'req := ldap.NewSearchRequest("dc=example,dc=org", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid="+{{v}}+")", []string{{"dn"}}, nil)\n\t_, _ = conn.Search(req)\n\t{ok}'
            ]
            if vuln
            else [
                f'req := ldap.NewSearchRequest("dc=example,dc=org", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid="+ldap.EscapeFilter({{v}})+")", []string{{"dn"}}, nil)\n\t_, _ = conn.Search(req)\n\t{ok}'
            ]
        )
    if cat == "xpath":
        return (
            [
                f'node := xmlquery.FindOne(usersDoc, "//user[@name=\'"+{{v}}+"\']/email")\n\t_ = node\n\t{ok}'
            ]
            if vuln
            else [
                f'for _, n := range xmlquery.Find(usersDoc, "//user") {{\n\t\tif n.SelectAttr("name") == {{v}} {{\n\t\t\t_ = n\n\t\t}}\n\t}}\n\t{ok}'
            ]
        )
    if cat == "trust":
        return (
            [
                f'sess, _ := store.Get({r}, "app")\n\tsess.Values["user"] = {{v}}\n\t_ = sess.Save({r}, {w})\n\t{ok}',
                f'sess, _ := store.Get({r}, "app")\n\tsess.Values["role"] = "role:" + {{v}}\n\t_ = sess.Save({r}, {w})\n\t{ok}',
            ]
            if vuln
            else [
                f'log.Println({{v}})\n\tsess, _ := store.Get({r}, "app")\n\tsess.Values["user"] = "guest"\n\t_ = sess.Save({r}, {w})\n\t{ok}'
            ]
        )
    if cat == "weakhash":
        return (
            [
                f"sum := md5.Sum([]byte({{v}}))\n\tfmt.Fprint({w}, hex.EncodeToString(sum[:]))",
                f"h := sha1.New()\n\th.Write([]byte({{v}}))\n\tfmt.Fprint({w}, hex.EncodeToString(h.Sum(nil)))",
            ]
            if vuln
            else [
                f"sum := sha256.Sum256([]byte({{v}}))\n\tfmt.Fprint({w}, hex.EncodeToString(sum[:]))",
                f"h := sha256.New()\n\th.Write([]byte({{v}}))\n\tfmt.Fprint({w}, hex.EncodeToString(h.Sum(nil)))",
            ]
        )
    if cat == "weakrand":
        save = f'sess, _ := store.Get({r}, "app")\n\tsess.Values["csrf"] = token\n\t_ = sess.Save({r}, {w})\n\tlog.Println({{v}})\n\t{ok}'
        return (
            [
                f'token := fmt.Sprintf("%x", mrand.Int63())\n\t{save}',
                f"token := strconv.Itoa(100000 + mrand.Intn(900000))\n\t{save}",
            ]
            if vuln
            else [
                f"raw := make([]byte, 16)\n\t_, _ = rand.Read(raw)\n\ttoken := hex.EncodeToString(raw)\n\t{save}"
            ]
        )
    if cat == "cookie":
        return (
            [
                f'http.SetCookie({w}, &http.Cookie{{Name: "session_id", Value: {{v}}, Path: "/"}})\n\t{ok}',
                f'http.SetCookie({w}, &http.Cookie{{Name: "session_id", Value: {{v}}, Secure: false, HttpOnly: true}})\n\t{ok}',
            ]
            + (
                [f'c.SetCookie("session_id", {{v}}, 3600, "/", "", false, true)\n\t{ok}']
                if gin
                else []
            )
            if vuln
            else [
                f'http.SetCookie({w}, &http.Cookie{{Name: "session_id", Value: {{v}}, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}})\n\t{ok}'
            ]
            + (
                [f'c.SetCookie("session_id", {{v}}, 3600, "/", "", true, true)\n\t{ok}']
                if gin
                else []
            )
        )
    if cat == "ssti":
        return (
            [
                f'tmpl := template.Must(template.New("page").Parse("<h1>" + {{v}} + "</h1>"))\n\t_ = tmpl.Execute({w}, nil)'
            ]
            if vuln
            else [
                f'tmpl := template.Must(template.New("page").Parse("<h1>{{{{.}}}}</h1>"))\n\t_ = tmpl.Execute({w}, {{v}})'
            ]
        )
    raise KeyError(cat)


VULN_FLOWS = [
    "{v} := {S}",
    "{v} := normalise({S})",
    "var sb strings.Builder\n\tsb.WriteString({S})\n\t{v} := sb.String()",
    '{v} := fmt.Sprintf("%s", {S})',
    'params := map[string]string{"{n}": {S}}\n\t{v} := params["{n}"]',
    "f := form{Value: {S}}\n\t{v} := f.Value",
    '{v} := {S}\n\tif {v} == "" {\n\t\t{v} = "{C}"\n\t}',
]
SAFE_FLOWS = [
    '{v} := {S}\n\t{v} = "{C}"',
    '{v} := "{C}"\n\tswitch raw := {S}; raw {\n\tcase "{C}", "other":\n\t\t{v} = raw\n\t}',
    "n, err := strconv.Atoi({S})\n\tif err != nil {\n\t\tn = 0\n\t}\n\t{v} := strconv.Itoa(n)",
    "{v} := pick({S})",
]
CONFIG_ONLY = {"weakhash", "weakrand", "cookie"}


def build(cat: str, vuln: bool, rng: random.Random) -> tuple[str, dict]:
    gin = rng.random() < 0.5
    n = NAMES[cat]
    src = (
        rng.choice(GIN_SOURCES if gin else HTTP_SOURCES)
        .replace("{n}", n)
        .replace("{N}", n.capitalize())
    )
    if vuln or cat in CONFIG_ONLY or rng.random() < 0.5:
        sink = rng.choice(sinks(cat, gin, vuln))
        flow = rng.choice(VULN_FLOWS)
        kind = "" if vuln else "safe_sink"
    else:
        sink = rng.choice(sinks(cat, gin, True))
        flow = rng.choice(SAFE_FLOWS)
        kind = "safe_flow"
    v = "value"
    body = flow.replace("{S}", src).replace("{v}", v).replace("{n}", n).replace("{C}", CONST[cat])
    body += "\n\t" + sink.replace("{v}", v)
    imports = ['"fmt"', '"log"', '"net/http"', '"os"', '"strconv"', '"strings"']
    if IMPORTS[cat]:
        imports += IMPORTS[cat].split("\n\t")
    if gin:
        imports.append('"github.com/gin-gonic/gin"')
    imports = sorted(set(imports))
    head = "package main\n\nimport (\n\t" + "\n\t".join(imports) + "\n)\n\n" + GLOBALS.get(cat, "")
    helpers = HELPERS.replace("CONSTVALUE", CONST[cat])
    tail = "\nvar _ = os.Getenv\nvar _ = strconv.Itoa\nvar _ = log.Println\n"
    route = f"/{cat}/{{{n}}}" if "PathValue" in src else f"/{cat}"
    if gin:
        gin_route = f"/{cat}/:{n}" if "Param" in src else f"/{cat}"
        text = (
            head
            + helpers
            + f'\nfunc handle(c *gin.Context) {{\n\t{body}\n}}\n\nfunc main() {{\n\tr := gin.Default()\n\tr.{rng.choice(["GET", "POST"])}("{gin_route}", handle)\n\t_ = r.Run(":8080")\n}}\n'
            + tail
        )
    else:
        cookie = f'\nfunc cookieValue(r *http.Request) string {{\n\tck, err := r.Cookie("{n}")\n\tif err != nil {{\n\t\treturn ""\n\t}}\n\treturn ck.Value\n}}\n'
        text = (
            head
            + helpers
            + cookie
            + f'\nfunc handle(w http.ResponseWriter, r *http.Request) {{\n\t{body}\n}}\n\nfunc main() {{\n\thttp.HandleFunc("{route}", handle)\n\tlog.Fatal(http.ListenAndServe(":8080", nil))\n}}\n'
            + tail
        )
    label = {
        "category": cat,
        "cwe": CWE[cat],
        "vulnerable": vuln,
        "framework": "gin" if gin else "net/http",
        "safe_kind": kind,
    }
    return text, label


def main() -> int:
    rng = random.Random(1719)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels = {}
    for cat in CWE:
        for vuln in (True, False):
            for i in range(PER_SIDE):
                cid = f"{cat}-{'vuln' if vuln else 'safe'}-{i:02d}"
                text, label = build(cat, vuln, rng)
                (OUT / cid).mkdir()
                (OUT / cid / "main.go").write_text(text)
                label["split"] = (
                    "heldout" if hashlib.sha256(cid.encode()).digest()[0] % 2 else "tune"
                )
                labels[cid] = label
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

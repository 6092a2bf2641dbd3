# ruff: noqa: E501  (the idiom templates are code as data: one template a line)
"""Generate DevLab's labelled Java security benchmark (``java/``), like gen_js.py.

    python benchmarks/security_cases/gen_java.py

Spring MVC controllers (``@RestController`` / ``@Controller`` with ``@RequestParam``,
``@PathVariable``, ``@RequestHeader``, ``@CookieValue``) and Servlets (``doGet`` /
``doPost`` reading ``request.getParameter`` / ``getHeader`` / cookies); per category
vulnerable sinks and their safe counterparts; flows direct, through a local helper, a
``StringBuilder``, ``String.format``, a ``Map``, a ternary default, ``trim()``; safe flows
by constant re-assignment, an allow-list, ``Integer.parseInt`` and a helper returning a
constant. Written before any tuning of the Java model; split tune/held-out by a hash of
the case id like the Python and JavaScript cases.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "java"
PER_SIDE = 8
CWE = {
    "cmdi": "CWE-78", "sqli": "CWE-89", "xxe": "CWE-611", "path": "CWE-22", "xss": "CWE-79",
    "redirect": "CWE-601", "ldap": "CWE-90", "xpath": "CWE-643", "trust": "CWE-501",
    "weakhash": "CWE-328", "weakrand": "CWE-330", "cookie": "CWE-614", "codeinj": "CWE-94",
    "deser": "CWE-502",
}  # fmt: skip
CONST = {
    "cmdi": "localhost", "sqli": "alice", "xxe": "<a/>", "path": "report.txt",
    "xss": "guest", "redirect": "/home", "ldap": "jdoe", "xpath": "alice", "trust": "guest",
    "weakhash": "pw", "weakrand": "x", "cookie": "anon", "codeinj": "1 + 1", "deser": "e30=",
}  # fmt: skip
NAMES = {
    "cmdi": "host", "sqli": "name", "xxe": "xml", "path": "file", "xss": "comment",
    "redirect": "next", "ldap": "user", "xpath": "title", "trust": "role",
    "weakhash": "password", "weakrand": "email", "cookie": "pref", "codeinj": "expr",
    "deser": "state",
}  # fmt: skip

IMPORTS = """import java.io.*;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.sql.*;
import java.util.*;
import javax.naming.directory.*;
import javax.xml.parsers.*;
import javax.xml.xpath.*;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
"""
SPRING_IMPORTS = """import javax.servlet.http.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.util.HtmlUtils;
"""
SERVLET_IMPORTS = """import javax.servlet.ServletException;
import javax.servlet.annotation.WebServlet;
import javax.servlet.http.*;
"""
HELPERS = """
    private static String normalise(String s) {
        return s == null ? "" : s.trim();
    }

    private static String pick(String raw) {
        return "CONSTVALUE";
    }
"""
SPRING_SOURCES = [
    '@RequestParam("{n}") String input',
    '@RequestParam(value = "{n}", required = false) String input',
    '@RequestHeader("X-{N}") String input',
    '@CookieValue("{n}") String input',
    "@PathVariable String input",
]
SERVLET_SOURCES = [
    'request.getParameter("{n}")',
    'request.getHeader("X-{N}")',
    'request.getParameterValues("{n}")[0]',
    "readCookie(request)",
]
SERVLET_COOKIE = """
    private static String readCookie(HttpServletRequest request) {
        for (Cookie c : request.getCookies()) {
            if ("{n}".equals(c.getName())) {
                return c.getValue();
            }
        }
        return "";
    }
"""


def sinks(cat: str, fw: str, vuln: bool) -> list[str]:
    """Sink statements ("{v}" is the variable); ``respond(x)`` and friends per framework."""
    spring = fw == "spring"
    respond = "return {x};" if spring else "response.getWriter().println({x});"
    done = 'return "ok";' if spring else 'response.getWriter().println("ok");'
    session = (
        "session.setAttribute({k}, {x});"
        if spring
        else "request.getSession().setAttribute({k}, {x});"
    )
    redirect = 'return "redirect:" + {x};' if spring else "response.sendRedirect({x});"
    v = "{v}"
    if cat == "cmdi":
        return (
            [
                f'Process p = Runtime.getRuntime().exec(new String[] {{"sh", "-c", "ping -c 1 " + {v}}});\n        p.waitFor();\n        '
                + done,
                f'new ProcessBuilder("bash", "-c", "nslookup " + {v}).start().waitFor();\n        '
                + done,
                f'Runtime.getRuntime().exec("cmd.exe /c dir " + {v});\n        ' + done,
            ]
            if vuln
            else [
                f'new ProcessBuilder("ping", "-c", "1", {v}).start().waitFor();\n        ' + done,
                f'Runtime.getRuntime().exec(new String[] {{"nslookup", {v}}}).waitFor();\n        '
                + done,
            ]
        )
    if cat == "sqli":
        return (
            [
                f'try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {{\n            ResultSet rs = st.executeQuery("SELECT * FROM users WHERE name = \'" + {v} + "\'");\n            rs.next();\n        }}\n        '
                + done,
                f'List<Map<String, Object>> rows = jdbc.queryForList("SELECT id FROM items WHERE owner = \'" + {v} + "\'");\n        '
                + done,
                f"String q = String.format(\"DELETE FROM carts WHERE user_name = '%s'\", {v});\n        try (Connection c = dataSource.getConnection()) {{\n            c.createStatement().executeUpdate(q);\n        }}\n        "
                + done,
            ]
            if vuln
            else [
                f'try (Connection c = dataSource.getConnection();\n                PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE name = ?")) {{\n            ps.setString(1, {v});\n            ps.executeQuery().next();\n        }}\n        '
                + done,
                f'List<Map<String, Object>> rows = jdbc.queryForList("SELECT id FROM items WHERE owner = ?", {v});\n        '
                + done,
            ]
        )
    if cat == "xxe":
        return (
            [
                f"DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();\n        Document doc = dbf.newDocumentBuilder().parse(new InputSource(new StringReader({v})));\n        "
                + done,
                f"SAXParserFactory spf = SAXParserFactory.newInstance();\n        spf.newSAXParser().parse(new ByteArrayInputStream({v}.getBytes(StandardCharsets.UTF_8)), new org.xml.sax.helpers.DefaultHandler());\n        "
                + done,
            ]
            if vuln
            else [
                f'DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();\n        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);\n        Document doc = dbf.newDocumentBuilder().parse(new InputSource(new StringReader({v})));\n        '
                + done,
                f'SAXParserFactory spf = SAXParserFactory.newInstance();\n        spf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);\n        spf.newSAXParser().parse(new ByteArrayInputStream({v}.getBytes(StandardCharsets.UTF_8)), new org.xml.sax.helpers.DefaultHandler());\n        '
                + done,
            ]
        )
    if cat == "path":
        return (
            [
                f'String data = Files.readString(Paths.get("/srv/files/" + {v}));\n        '
                + respond.format(x="data"),
                f'File f = new File("/srv/uploads", {v});\n        try (FileInputStream in = new FileInputStream(f)) {{\n            in.read();\n        }}\n        '
                + done,
            ]
            if vuln
            else [
                f'Path base = Paths.get("/srv/files");\n        Path target = base.resolve({v}).normalize();\n        if (!target.startsWith(base)) {{\n            throw new IllegalArgumentException("bad path");\n        }}\n        String data = Files.readString(target);\n        '
                + respond.format(x="data"),
                f'File f = new File("/srv/uploads", new File({v}).getName());\n        try (FileInputStream in = new FileInputStream(f)) {{\n            in.read();\n        }}\n        '
                + done,
            ]
        )
    if cat == "xss":
        if spring:
            return (
                [
                    f'return "<p>Hello " + {v} + "</p>";',
                    f'return String.format("<div>%s</div>", {v});',
                ]
                if vuln
                else [
                    f'return "<p>Hello " + HtmlUtils.htmlEscape({v}) + "</p>";',
                    f'log({v});\n        return "<p>Hello</p>";',
                ]
            )
        return (
            [
                f'response.setContentType("text/html");\n        response.getWriter().println("<p>Hello " + {v} + "</p>");',
                f'PrintWriter out = response.getWriter();\n        out.write("<div>" + {v} + "</div>");',
            ]
            if vuln
            else [
                f'response.setContentType("text/html");\n        response.getWriter().println("<p>Hello " + org.owasp.encoder.Encode.forHtml({v}) + "</p>");',
                f'log({v});\n        response.getWriter().println("<p>Hello</p>");',
            ]
        )
    if cat == "redirect":
        return (
            [redirect.format(x=v), redirect.format(x=f'"https://" + {v} + "/login"')]
            if vuln
            else [
                f"log({v});\n        " + redirect.format(x='"/home"'),
                redirect.format(x=f'"/search?q=" + URLEncoder.encode({v}, StandardCharsets.UTF_8)'),
            ]
        )
    if cat == "ldap":
        return (
            [
                f'NamingEnumeration<SearchResult> res = ldap.search("dc=example,dc=org", "(uid=" + {v} + ")", new SearchControls());\n        '
                + done
            ]
            if vuln
            else [
                f'NamingEnumeration<SearchResult> res = ldap.search("dc=example,dc=org", "(uid={{0}})", new Object[] {{{v}}}, new SearchControls());\n        '
                + done
            ]
        )
    if cat == "xpath":
        return (
            [
                f'XPath xp = XPathFactory.newInstance().newXPath();\n        String found = xp.evaluate("//user[@name=\'" + {v} + "\']/email", usersDoc);\n        '
                + done
            ]
            if vuln
            else [
                f'XPath xp = XPathFactory.newInstance().newXPath();\n        final String wanted = {v};\n        xp.setXPathVariableResolver(q -> wanted);\n        String found = xp.evaluate("//user[@name=$name]/email", usersDoc);\n        '
                + done
            ]
        )
    if cat == "trust":
        return (
            [
                session.format(k='"user"', x=v) + "\n        " + done,
                session.format(k='"role"', x=f'"role:" + {v}') + "\n        " + done,
            ]
            if vuln
            else [
                f"log({v});\n        "
                + session.format(k='"user"', x='"guest"')
                + "\n        "
                + done
            ]
        )
    if cat == "weakhash":
        return (
            [
                f'byte[] digest = MessageDigest.getInstance("MD5").digest({v}.getBytes(StandardCharsets.UTF_8));\n        '
                + respond.format(x="HexFormat.of().formatHex(digest)"),
                f'MessageDigest md = MessageDigest.getInstance("SHA-1");\n        byte[] digest = md.digest({v}.getBytes(StandardCharsets.UTF_8));\n        '
                + respond.format(x="HexFormat.of().formatHex(digest)"),
            ]
            if vuln
            else [
                f'byte[] digest = MessageDigest.getInstance("SHA-256").digest({v}.getBytes(StandardCharsets.UTF_8));\n        '
                + respond.format(x="HexFormat.of().formatHex(digest)"),
                f'MessageDigest md = MessageDigest.getInstance("SHA-512");\n        byte[] digest = md.digest({v}.getBytes(StandardCharsets.UTF_8));\n        '
                + respond.format(x="HexFormat.of().formatHex(digest)"),
            ]
        )
    if cat == "weakrand":
        return (
            [
                f"String token = Long.toHexString(new Random().nextLong());\n        log({v});\n        "
                + session.format(k='"csrf"', x="token")
                + "\n        "
                + done,
                f"int resetCode = 100000 + (int) (Math.random() * 900000);\n        log({v});\n        "
                + session.format(k='"reset"', x="resetCode")
                + "\n        "
                + done,
            ]
            if vuln
            else [
                f"byte[] raw = new byte[16];\n        new SecureRandom().nextBytes(raw);\n        String token = HexFormat.of().formatHex(raw);\n        log({v});\n        "
                + session.format(k='"csrf"', x="token")
                + "\n        "
                + done,
                f"int resetCode = 100000 + new SecureRandom().nextInt(900000);\n        log({v});\n        "
                + session.format(k='"reset"', x="resetCode")
                + "\n        "
                + done,
            ]
        )
    if cat == "cookie":
        return (
            [
                f'Cookie c = new Cookie("session_id", {v});\n        response.addCookie(c);\n        '
                + done,
                f'Cookie c = new Cookie("session_id", {v});\n        c.setSecure(false);\n        c.setHttpOnly(true);\n        response.addCookie(c);\n        '
                + done,
            ]
            if vuln
            else [
                f'Cookie c = new Cookie("session_id", {v});\n        c.setSecure(true);\n        c.setHttpOnly(true);\n        response.addCookie(c);\n        '
                + done
            ]
        )
    if cat == "codeinj":
        return (
            [
                f'Object result = new javax.script.ScriptEngineManager().getEngineByName("js").eval({v});\n        '
                + respond.format(x="String.valueOf(result)"),
                f"Object result = new org.springframework.expression.spel.standard.SpelExpressionParser().parseExpression({v}).getValue();\n        "
                + respond.format(x="String.valueOf(result)"),
            ]
            if vuln
            else [
                f'log({v});\n        Object result = new javax.script.ScriptEngineManager().getEngineByName("js").eval("2 * 21");\n        '
                + respond.format(x="String.valueOf(result)"),
                f"int result = Integer.parseInt({v}) + 1;\n        "
                + respond.format(x="String.valueOf(result)"),
            ]
        )
    if cat == "deser":
        return (
            [
                f"try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode({v})))) {{\n            Object state = in.readObject();\n        }}\n        "
                + done,
                f"Object state = new org.yaml.snakeyaml.Yaml().load({v});\n        " + done,
            ]
            if vuln
            else [
                f"Map<?, ?> state = new com.fasterxml.jackson.databind.ObjectMapper().readValue({v}, Map.class);\n        "
                + done,
                f"Object state = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions())).load({v});\n        "
                + done,
            ]
        )
    raise KeyError(cat)


VULN_FLOWS = [
    "String {v} = {S};",
    "String {v} = normalise({S});",
    "StringBuilder sb = new StringBuilder();\n        sb.append({S});\n        String {v} = sb.toString();",
    'String {v} = String.format("%s", {S});',
    'Map<String, String> form = new HashMap<>();\n        form.put("{n}", {S});\n        String {v} = form.get("{n}");',
    'String raw = {S};\n        String {v} = raw == null || raw.isEmpty() ? "{C}" : raw;',
    "String {v} = {S}.trim();",
]
SAFE_FLOWS = [
    'String {v} = {S};\n        {v} = "{C}";',
    'Set<String> allowed = Set.of("{C}", "other");\n        String raw = {S};\n        String {v} = allowed.contains(raw) ? raw : "{C}";',
    "String {v} = String.valueOf(Integer.parseInt({S}));",
    "String {v} = pick({S});",
]
CONFIG_ONLY = {"weakhash", "weakrand", "cookie"}


def handler(fw: str, cat: str, rng: random.Random, src: str, body: str) -> str:
    n = NAMES[cat]
    cls = rng.choice(["Account", "Report", "Profile", "Search"])
    if fw == "spring":
        verb = rng.choice(["GetMapping", "PostMapping"])
        route = f"/{cat}/{{input}}" if "PathVariable" in src else f"/{cat}"
        sig = src.replace("{n}", n).replace("{N}", n.capitalize())
        html = cat in {"xss", "path", "weakhash", "codeinj"}
        ann = "@RestController" if html or cat != "redirect" else "@Controller"
        return (
            f"{IMPORTS}{SPRING_IMPORTS}\n{ann}\npublic class {cls}Controller {{\n"
            '    private static void log(String s) {\n        java.util.logging.Logger.getLogger("app").info(s);\n    }\n\n'
            "    private final JdbcTemplate jdbc;\n    private final javax.sql.DataSource dataSource;\n"
            "    private final DirContext ldap;\n    private final Document usersDoc;\n\n"
            f"    public {cls}Controller(JdbcTemplate jdbc, javax.sql.DataSource dataSource, DirContext ldap, Document usersDoc) {{\n"
            "        this.jdbc = jdbc;\n        this.dataSource = dataSource;\n        this.ldap = ldap;\n        this.usersDoc = usersDoc;\n    }\n"
            + HELPERS.replace("CONSTVALUE", CONST[cat])
            + f'\n    @{verb}("{route}")\n    public String handle({sig}, HttpSession session, HttpServletResponse response) throws Exception {{\n'
            f"        {body}\n    }}\n}}\n"
        )
    return (
        f'{IMPORTS}{SERVLET_IMPORTS}\n@WebServlet("/{cat}")\npublic class {cls}Servlet extends HttpServlet {{\n'
        "    private javax.sql.DataSource dataSource;\n    private org.springframework.jdbc.core.JdbcTemplate jdbc;\n    private DirContext ldap;\n    private Document usersDoc;\n"
        + HELPERS.replace("CONSTVALUE", CONST[cat])
        + SERVLET_COOKIE.replace("{n}", n)
        + "\n    private void log(String s) {\n        getServletContext().log(s);\n    }\n"
        f"\n    @Override\n    protected void {rng.choice(['doGet', 'doPost'])}(HttpServletRequest request, HttpServletResponse response)\n"
        "            throws ServletException, IOException {\n        try {\n"
        + "\n".join("    " + line if line else line for line in f"        {body}".split("\n"))
        + "\n        } catch (Exception e) {\n            throw new ServletException(e);\n        }\n    }\n}\n"
    )


def build(cat: str, vuln: bool, rng: random.Random) -> tuple[str, str, dict]:
    fw = rng.choice(["spring", "servlet"])
    n = NAMES[cat]
    raw_src = rng.choice(SPRING_SOURCES if fw == "spring" else SERVLET_SOURCES)
    src = "input" if fw == "spring" else raw_src.replace("{n}", n).replace("{N}", n.capitalize())
    if vuln or cat in CONFIG_ONLY or rng.random() < 0.5:
        sink = rng.choice(sinks(cat, fw, vuln))
        flow = rng.choice(VULN_FLOWS)
        kind = "" if vuln else "safe_sink"
    else:
        sink = rng.choice(sinks(cat, fw, True))
        flow = rng.choice(SAFE_FLOWS)
        kind = "safe_flow"
    v = "value"
    body = flow.replace("{S}", src).replace("{v}", v).replace("{n}", n).replace("{C}", CONST[cat])
    body += "\n        " + sink.replace("{v}", v)
    text = handler(fw, cat, rng, raw_src, body)
    name = text.split("public class ", 1)[1].split(" ", 1)[0] + ".java"
    label = {
        "category": cat,
        "cwe": CWE[cat],
        "vulnerable": vuln,
        "framework": fw,
        "safe_kind": kind,
    }
    return name, text, label


def main() -> int:
    rng = random.Random(1718)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels = {}
    for cat in CWE:
        for vuln in (True, False):
            for i in range(PER_SIDE):
                cid = f"{cat}-{'vuln' if vuln else 'safe'}-{i:02d}"
                name, text, label = build(cat, vuln, rng)
                (OUT / cid).mkdir()
                (OUT / cid / name).write_text(text)
                label["split"] = (
                    "heldout" if hashlib.sha256(cid.encode()).digest()[0] % 2 else "tune"
                )
                labels[cid] = label
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

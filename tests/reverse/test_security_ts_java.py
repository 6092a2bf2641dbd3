"""Java security rules: Spring controller and servlet code, vulnerable vs fixed variants,
cross-method flow, and the configuration rules (XXE, cookies, crypto, TLS, secrets)."""

from __future__ import annotations

import textwrap

import pytest

from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.security_ts import scan_treesitter_source


def controller(body: str) -> str:
    body = textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8)
    return textwrap.dedent(
        """\
        package com.example.api;

        import org.springframework.web.bind.annotation.*;
        import javax.servlet.http.*;

        @RestController
        public class ReportController {
            @Autowired private JdbcTemplate jdbc;
            @Autowired private DataSource dataSource;
            private DirContext ctx;
            private XPath xpath = XPathFactory.newInstance().newXPath();

            @GetMapping("/report")
            public String report(@RequestParam("q") String q, HttpServletRequest request,
                                 HttpServletResponse response) throws Exception {
        BODY
                return "ok";
            }
        }
        """
    ).replace("BODY", body)


def scan(code: str, path: str = "src/main/java/com/example/Api.java") -> list[Finding]:
    return scan_treesitter_source(path, code, "java")


def at_least(findings: list[Finding], rule_id: str, severity: str) -> list[Finding]:
    return [
        f
        for f in findings
        if f.rule_id == rule_id and SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[severity]
    ]


CASES = {
    "cmdi": (
        "DL-JAVA-CMDI",
        "CWE-78",
        "critical",
        "@RequestParam",
        'Process p = Runtime.getRuntime().exec("nslookup " + q);',
        'Process p = new ProcessBuilder("nslookup", q).start();',
    ),
    "cmdi-shell": (
        "DL-JAVA-CMDI",
        "CWE-78",
        "critical",
        "@RequestParam",
        'new ProcessBuilder("/bin/sh", "-c", "tar czf /tmp/out.tgz " + q).start();',
        'new ProcessBuilder("tar", "czf", "/srv/out.tgz", "--", q).start();',
    ),
    "sqli-template": (
        "DL-JAVA-SQLI",
        "CWE-89",
        "high",
        "@RequestParam",
        """
        String sql = "SELECT * FROM orders WHERE customer = '" + q + "'";
        List<Map<String, Object>> rows = jdbc.queryForList(sql);
        """,
        """
        String sql = "SELECT * FROM orders WHERE customer = ?";
        List<Map<String, Object>> rows = jdbc.queryForList(sql, q);
        """,
    ),
    "sqli-jdbc": (
        "DL-JAVA-SQLI",
        "CWE-89",
        "high",
        "request.getParameter()",
        """
        Connection conn = dataSource.getConnection();
        Statement st = conn.createStatement();
        String id = request.getParameter("id");
        ResultSet rs = st.executeQuery("SELECT * FROM users WHERE id = " + id);
        """,
        """
        Connection conn = dataSource.getConnection();
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE id = ?");
        ps.setString(1, request.getParameter("id"));
        ResultSet rs = ps.executeQuery();
        """,
    ),
    "path": (
        "DL-JAVA-PATH",
        "CWE-22",
        "high",
        "@RequestParam",
        """
        byte[] data = Files.readAllBytes(Paths.get("/srv/reports", q));
        """,
        """
        Path base = Paths.get("/srv/reports");
        Path file = base.resolve(q).normalize();
        if (!file.startsWith(base)) {
            throw new SecurityException("outside the report folder");
        }
        byte[] data = Files.readAllBytes(file);
        """,
    ),
    "deser": (
        "DL-JAVA-DESER",
        "CWE-502",
        "critical",
        "request.getInputStream()",
        """
        ObjectInputStream in = new ObjectInputStream(request.getInputStream());
        Object order = in.readObject();
        """,
        """
        Order order = new ObjectMapper().readValue(request.getInputStream(), Order.class);
        """,
    ),
    "xmldecoder": (
        "DL-JAVA-DESER",
        "CWE-502",
        "critical",
        "request.getInputStream()",
        """
        XMLDecoder decoder = new XMLDecoder(request.getInputStream());
        Object settings = decoder.readObject();
        """,
        """
        Settings settings = new ObjectMapper().readValue(request.getInputStream(), Settings.class);
        """,
    ),
    "yaml": (
        "DL-JAVA-DESER",
        "CWE-502",
        "critical",
        "@RequestParam",
        "Object cfg = new Yaml().load(q);",
        "Object cfg = new Yaml(new SafeConstructor(new LoaderOptions())).load(q);",
    ),
    "ssrf": (
        "DL-JAVA-SSRF",
        "CWE-918",
        "high",
        "@RequestParam",
        """
        URL url = new URL(q);
        InputStream body = url.openStream();
        """,
        """
        URL url = new URL("https://status.example.org/health");
        InputStream body = url.openStream();
        """,
    ),
    "redirect": (
        "DL-JAVA-REDIRECT",
        "CWE-601",
        "medium",
        "request.getParameter()",
        'response.sendRedirect(request.getParameter("next"));',
        'response.sendRedirect("/home");',
    ),
    "xss": (
        "DL-JAVA-XSS",
        "CWE-79",
        "high",
        "@RequestParam",
        'response.getWriter().write("<p>Results for " + q + "</p>");',
        'response.getWriter().write("<p>Results for " + Encode.forHtml(q) + "</p>");',
    ),
    "ldap": (
        "DL-JAVA-LDAPI",
        "CWE-90",
        "high",
        "@RequestParam",
        'NamingEnumeration<?> r = ctx.search("ou=people,dc=example", "(uid=" + q + ")", sc);',
        'NamingEnumeration<?> r = ctx.search("ou=people,dc=example", '
        '"(uid=" + LdapEncoder.filterEncode(q) + ")", sc);',
    ),
    "xpath": (
        "DL-JAVA-XPATHI",
        "CWE-643",
        "high",
        "@RequestParam",
        'String role = xpath.evaluate("//user[@name=\'" + q + "\']/role", doc);',
        "String role = xpath.evaluate(\"//user[@active='true']/role\", doc);",
    ),
    "trust": (
        "DL-JAVA-TRUST",
        "CWE-501",
        "medium",
        "request.getParameter()",
        'request.getSession().setAttribute("role", request.getParameter("role"));',
        'request.getSession().setAttribute("role", "viewer");',
    ),
    "spel": (
        "DL-JAVA-CODEI",
        "CWE-94",
        "critical",
        "@RequestParam",
        "Object v = new SpelExpressionParser().parseExpression(q).getValue();",
        'Object v = new SpelExpressionParser().parseExpression("1 + 1").getValue();',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_vulnerable_controller_is_reported_with_its_taint_path(case: str) -> None:
    rule_id, cwe, severity, source, vulnerable, _ = CASES[case]
    found = at_least(scan(controller(vulnerable)), rule_id, severity)
    assert found, f"{case}: nothing reported"
    f = found[0]
    assert (f.cwe, f.severity, f.confidence) == (cwe, severity, "high")
    assert f.symbol == "ReportController.report"
    assert source in f.taint_path[0].note and f.taint_path[0].note.startswith("source: ")
    assert f.taint_path[-1].note.startswith("sink: ")
    assert f.fix


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixed_controller_is_not_reported(case: str) -> None:
    rule_id, _, _, _, _, fixed = CASES[case]
    found = scan(controller(fixed))
    assert not at_least(found, rule_id, "medium"), [f.message for f in found]


def test_servlet_and_cross_method_flow() -> None:
    code = textwrap.dedent(
        """\
        public class ExportServlet extends HttpServlet {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                    throws IOException {
                String name = req.getParameter("name");
                String archive = buildName(name);
                compress(archive);
                compress("nightly");
            }

            private String buildName(String base) {
                return "/srv/export/" + base + ".tgz";
            }

            private void compress(String target) throws IOException {
                String[] cmd = {"/bin/bash", "-c", "tar czf " + target + " /srv/data"};
                Runtime.getRuntime().exec(cmd);
            }
        }
        """
    )
    found = at_least(scan(code), "DL-JAVA-CMDI", "critical")
    assert len(found) == 1
    f = found[0]
    assert f.symbol == "ExportServlet.compress"
    notes = [s.note for s in f.taint_path]
    assert notes[0] == "source: req.getParameter()"
    assert "passed to buildName() (same file)" in notes
    assert "passed to compress() (same file)" in notes
    assert notes[-1].startswith("sink: Runtime.exec(String[]) via '/bin/bash -c'")


def test_main_arguments_and_constants() -> None:
    code = textwrap.dedent(
        """\
        public class Tool {
            public static void main(String[] args) throws Exception {
                ScriptEngine engine = new ScriptEngineManager().getEngineByName("js");
                engine.eval(args[0]);
                engine.eval("print('ready')");
                Runtime.getRuntime().exec("uptime");
                new FileInputStream(args[1]);
            }
        }
        """
    )
    found = scan(code)
    assert [(f.rule_id, f.start_line, f.severity) for f in found] == [
        ("DL-JAVA-CODEI", 4, "critical")
    ]


def test_configuration_rules() -> None:
    code = textwrap.dedent(
        """\
        public class Security {
            private static final String DB_PASSWORD = "pr0d-Passw0rd!";
            private static final String PASSWORD_PARAM = "password";
            private String apiKey = System.getenv("API_KEY");

            Document parse(InputStream in) throws Exception {
                DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
                return dbf.newDocumentBuilder().parse(in);
            }

            Document parseSafely(InputStream in) throws Exception {
                DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
                dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return dbf.newDocumentBuilder().parse(in);
            }

            void login(HttpServletResponse response, String sid) {
                Cookie c = new Cookie("SESSION", sid);
                response.addCookie(c);
                Cookie ok = new Cookie("SESSION", sid);
                ok.setSecure(true);
                ok.setHttpOnly(true);
                response.addCookie(ok);
            }

            String hashPassword(String password) throws Exception {
                MessageDigest md = MessageDigest.getInstance("MD5");
                return hex(md.digest(password.getBytes()));
            }

            byte[] encrypt(byte[] data, Key key) throws Exception {
                Cipher c = Cipher.getInstance("DES/ECB/PKCS5Padding");
                Cipher good = Cipher.getInstance("AES/GCM/NoPadding");
                return c.doFinal(data);
            }

            String newResetToken() {
                String resetToken = Long.toHexString(new Random().nextLong());
                return resetToken;
            }

            void trustAll(HttpsURLConnection conn) {
                conn.setHostnameVerifier((host, session) -> true);
            }
        }

        class TrustEverything implements X509TrustManager {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}
            public X509Certificate[] getAcceptedIssuers() { return null; }
        }
        """
    )
    found = scan(code)
    got = sorted((f.rule_id, f.start_line) for f in found)
    assert got == [
        ("DL-JAVA-COOKIE", 18),
        ("DL-JAVA-CREDS", 2),
        ("DL-JAVA-RANDOM", 38),
        ("DL-JAVA-TLS", 43),
        ("DL-JAVA-TLS", 49),
        ("DL-JAVA-WEAKCRYPTO", 32),
        ("DL-JAVA-WEAKHASH", 27),
        ("DL-JAVA-WEAKHASH", 28),
        ("DL-JAVA-XXE", 7),
    ], got
    sev = {(f.rule_id, f.start_line): (f.severity, f.cwe) for f in found}
    assert sev[("DL-JAVA-WEAKHASH", 28)] == ("high", "CWE-328")
    # the unprotected factory parses a parameter (untraced): medium; user data -> high
    # (test_security_engine), constants -> low
    assert sev[("DL-JAVA-XXE", 7)] == ("medium", "CWE-611")
    assert sev[("DL-JAVA-TLS", 49)] == ("high", "CWE-295")


def test_test_code_is_reported_low() -> None:
    code = controller('Runtime.getRuntime().exec("nslookup " + q);')
    found = scan(code, "src/test/java/com/example/ReportControllerTest.java")
    assert found and all(f.severity == "low" for f in found)

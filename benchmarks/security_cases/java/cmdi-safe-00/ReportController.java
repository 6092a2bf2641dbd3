import java.io.*;
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
import javax.servlet.http.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.util.HtmlUtils;

@RestController
public class ReportController {
    private static void log(String s) {
        java.util.logging.Logger.getLogger("app").info(s);
    }

    private final JdbcTemplate jdbc;
    private final javax.sql.DataSource dataSource;
    private final DirContext ldap;
    private final Document usersDoc;

    public ReportController(JdbcTemplate jdbc, javax.sql.DataSource dataSource, DirContext ldap, Document usersDoc) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.ldap = ldap;
        this.usersDoc = usersDoc;
    }

    private static String normalise(String s) {
        return s == null ? "" : s.trim();
    }

    private static String pick(String raw) {
        return "localhost";
    }

    @GetMapping("/cmdi/{input}")
    public String handle(@PathVariable String input, HttpSession session, HttpServletResponse response) throws Exception {
        String value = input;
        value = "localhost";
        Runtime.getRuntime().exec("cmd.exe /c dir " + value);
        return "ok";
    }
}

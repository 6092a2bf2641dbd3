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
import javax.servlet.ServletException;
import javax.servlet.annotation.WebServlet;
import javax.servlet.http.*;

@WebServlet("/sqli")
public class AccountServlet extends HttpServlet {
    private javax.sql.DataSource dataSource;
    private org.springframework.jdbc.core.JdbcTemplate jdbc;
    private DirContext ldap;
    private Document usersDoc;

    private static String normalise(String s) {
        return s == null ? "" : s.trim();
    }

    private static String pick(String raw) {
        return "alice";
    }

    private static String readCookie(HttpServletRequest request) {
        for (Cookie c : request.getCookies()) {
            if ("name".equals(c.getName())) {
                return c.getValue();
            }
        }
        return "";
    }

    private void log(String s) {
        getServletContext().log(s);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        try {
            String value = request.getHeader("X-Name").trim();
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT id FROM items WHERE owner = ?", value);
            response.getWriter().println("ok");
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}

import ldap
import ldap.filter
import tornado.web
import html

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        uid = self.get_query_argument("uid", "").strip().lower()
        flt = ldap.filter.filter_format("(mail=%s)", [uid])
        res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
        self.write("ok")


app = tornado.web.Application([(r"/app/do", ItemHandler)])

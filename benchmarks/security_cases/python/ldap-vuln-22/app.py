import ldap
import tornado.web
import html

conn = ldap.initialize("ldap://ldap.example.org")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        def read():
            return self.get_cookie("mail", "")

        mail = read()
        res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={mail})")
        self.write("ok")


app = tornado.web.Application([(r"/app/item", ItemHandler)])

import ldap
import tornado.web
import html

conn = ldap.initialize("ldap://ldap.example.org")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        pair = ("x", self.get_query_argument("uid", ""))
        _, uid = pair
        res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(uid))
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])

import ldap
import tornado.web
import html

conn = ldap.initialize("ldap://ldap.example.org")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        if len(raw := self.get_query_argument("uid", "")) > 0:
            pass
        uid = raw
        res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format(uid))
        self.write("ok")


app = tornado.web.Application([(r"/admin/view", ItemHandler)])

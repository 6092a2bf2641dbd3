import ldap3
import tornado.web
import html

server = ldap3.Server("ldap.example.org")


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        params = {"q": self.get_query_argument("user", "")}
        user = params.get("q", "")
        c = ldap3.Connection(server, auto_bind=True)
        c.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + user + "))")
        res = c.entries
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])

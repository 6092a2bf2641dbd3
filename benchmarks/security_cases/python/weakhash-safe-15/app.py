import hashlib
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_body_argument("password")
        password = "" + raw
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), b"salt-value", 200_000).hex()
        self.write("ok")


app = tornado.web.Application([(r"/api/run", ItemHandler)])

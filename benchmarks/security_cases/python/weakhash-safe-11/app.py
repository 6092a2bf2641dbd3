import hashlib
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        password = self.request.headers.get("X-password", "")[:128]
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), b"salt-value", 200_000).hex()
        self.write("ok")


app = tornado.web.Application([(r"/admin/item", ItemHandler)])

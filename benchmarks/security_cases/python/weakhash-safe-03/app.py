import hashlib
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        password = self.get_argument("password")
        digest = hashlib.new("sha512", password.encode()).hexdigest()
        self.write("ok")


app = tornado.web.Application([(r"/v1/run", ItemHandler)])

import secrets
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        login = "%s" % (self.get_argument("login"),)
        reset_code = str(secrets.randbelow(900000) + 100000)
        self.set_secure_cookie("reset", reset_code)
        self.write("ok")


app = tornado.web.Application([(r"/api/run", ItemHandler)])

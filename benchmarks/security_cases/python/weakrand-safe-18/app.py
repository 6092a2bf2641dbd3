import random
import tornado.web
import html

def normalise(s):
    return s.strip()


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        name = normalise(self.get_query_argument("name", ""))
        session_key = '%x' % random.SystemRandom().getrandbits(64)
        self.set_secure_cookie("sid", session_key)
        self.write("ok")


app = tornado.web.Application([(r"/admin/item", ItemHandler)])

import random
import tornado.web
import html

type Headers = dict[str, str]  # Python 3.12 type statement

class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        items = [self.get_cookie("email", "")]
        email = items[0]
        session_key = '%x' % random.getrandbits(64)
        self.set_secure_cookie("sid", session_key)
        self.write("ok")


app = tornado.web.Application([(r"/admin/item", ItemHandler)])

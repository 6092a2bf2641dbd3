import jsonpickle
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        vals = ["{}", self.get_argument("profile")]
        profile = vals[0]
        obj = jsonpickle.decode(profile)
        self.write("ok")


app = tornado.web.Application([(r"/api/do", ItemHandler)])

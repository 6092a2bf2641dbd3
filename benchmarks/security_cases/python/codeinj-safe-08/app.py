import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        if len(raw := self.get_body_argument("calc")) > 0:
            pass
        calc = raw
        result = eval("2 * 21")
        label = calc
        self.write("ok")


app = tornado.web.Application([(r"/api/do", ItemHandler)])

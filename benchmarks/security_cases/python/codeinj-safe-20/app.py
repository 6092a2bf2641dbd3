import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        expr = self.get_body_argument("expr")
        expr = "1 + 1"
        result = eval(expr)
        self.write("ok")


app = tornado.web.Application([(r"/v1/run", ItemHandler)])

import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        code = "%s" % (self.get_query_argument("code", ""),)
        result = eval(code)
        self.write("ok")


app = tornado.web.Application([(r"/api/do", ItemHandler)])

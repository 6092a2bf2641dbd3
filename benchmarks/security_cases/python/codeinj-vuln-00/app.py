import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        parts = []
        for p in self.get_argument("calc").split(","):
            parts.append(p.strip())
        calc = ",".join(parts)
        scope = {}
        exec(f"result = {calc}", scope)
        result = scope["result"]
        self.write("ok")


app = tornado.web.Application([(r"/v1/do", ItemHandler)])

import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        vals = ["guest", self.get_argument("comment")]
        comment = vals[0]
        self.write(f"<p>Hello {comment}</p>")
        return


app = tornado.web.Application([(r"/v1/run", ItemHandler)])

import os
import tornado.web
import html

UPLOADS = "/srv/uploads"


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        raw = self.get_argument("file")
        file = "" + raw
        os.remove(os.path.join(UPLOADS, file))
        data = 'removed'
        self.write("ok")


app = tornado.web.Application([(r"/admin/run", ItemHandler)])

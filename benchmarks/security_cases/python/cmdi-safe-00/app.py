import os
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        vals = ["localhost", self.get_argument("pattern")]
        pattern = vals[0]
        out = os.popen("grep {} /var/log/app.log".format(pattern)).read()
        self.write("ok")


app = tornado.web.Application([(r"/app/view", ItemHandler)])

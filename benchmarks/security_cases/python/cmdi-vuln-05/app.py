import os
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        filename = self.get_cookie("filename", "").replace(";", "")
        out = os.popen("grep {} /var/log/app.log".format(filename)).read()
        self.write("ok")


app = tornado.web.Application([(r"/api/item", ItemHandler)])

import subprocess
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        host = "{}".format(self.get_cookie("host", ""))
        out = subprocess.check_output(["grep", "--", host, "/var/log/app.log"])
        self.write("ok")


app = tornado.web.Application([(r"/app/run", ItemHandler)])

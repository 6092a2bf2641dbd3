import subprocess
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        data = {"value": self.request.headers.get("X-filename", ""), "mode": "x"}
        filename = data["value"]
        out = subprocess.check_output(["grep", "--", filename, "/var/log/app.log"])
        self.write("ok")


app = tornado.web.Application([(r"/admin/do", ItemHandler)])

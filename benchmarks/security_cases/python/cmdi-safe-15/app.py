import subprocess, shlex
import tornado.web
import html


class ItemHandler(tornado.web.RequestHandler):
    def get(self):
        def read():
            return self.get_body_argument("target")

        target = read()
        out = subprocess.check_output(f"nslookup {shlex.quote(target)}", shell=True)
        self.write("ok")


app = tornado.web.Application([(r"/api/view", ItemHandler)])

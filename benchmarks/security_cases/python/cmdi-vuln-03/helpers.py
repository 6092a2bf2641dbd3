import os


def do_work(filename):
    out = os.popen("grep {} /var/log/app.log".format(filename)).read()
    return out

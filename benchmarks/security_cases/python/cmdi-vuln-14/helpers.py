import os


def process(pattern):
    out = os.popen("grep {} /var/log/app.log".format(pattern)).read()
    return out

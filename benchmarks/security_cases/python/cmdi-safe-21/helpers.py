import os


def run_lookup(filename):
    out = os.popen("grep {} /var/log/app.log".format(filename)).read()
    return out

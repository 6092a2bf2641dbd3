import subprocess


def handle_value(pattern):
    out = subprocess.check_output(["grep", "--", pattern, "/var/log/app.log"])
    return out

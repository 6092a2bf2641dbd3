import subprocess


def handle_value(host):
    out = subprocess.check_output("nslookup " + host, shell=True)
    return out

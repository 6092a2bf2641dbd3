import subprocess


def handle_value(filename):
    cmd = "convert " + filename + " out.png"
    subprocess.Popen(cmd, shell=True).wait()
    return None

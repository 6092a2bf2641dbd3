import subprocess


def handle_value(pattern):
    subprocess.run(["sh", "-c", "tar czf /tmp/b.tgz %s" % pattern])
    return None

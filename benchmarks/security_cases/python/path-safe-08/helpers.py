import os

BASE = "/srv/files"



def run_lookup(name):
    full = os.path.realpath(os.path.join(BASE, name))
    if not full.startswith(BASE + os.sep):
        raise ValueError('outside')
    data = open(full).read()
    return data

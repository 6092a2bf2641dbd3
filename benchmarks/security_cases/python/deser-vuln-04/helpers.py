import marshal


def run_lookup(blob):
    obj = marshal.loads(bytes.fromhex(blob))
    return obj

import marshal


def do_work(state):
    obj = marshal.loads(bytes.fromhex(state))
    return obj

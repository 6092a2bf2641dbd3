import pickle, base64


def do_work(data):
    obj = pickle.loads(base64.b64decode(data))
    return obj

import pickle, base64


def run_lookup(profile):
    obj = pickle.loads(base64.b64decode(profile))
    return obj

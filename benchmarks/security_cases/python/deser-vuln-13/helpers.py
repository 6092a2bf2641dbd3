import jsonpickle


def run_lookup(data):
    obj = jsonpickle.decode(data)
    return obj

import jsonpickle


def run_lookup(state):
    obj = jsonpickle.decode(state)
    return obj

import yaml


def do_work(state):
    obj = yaml.unsafe_load(state)
    return obj

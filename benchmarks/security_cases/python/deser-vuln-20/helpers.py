import yaml


def run_lookup(state):
    obj = yaml.load(state, Loader=yaml.Loader)
    return obj

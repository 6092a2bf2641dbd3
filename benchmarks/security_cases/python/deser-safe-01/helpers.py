import yaml


def run_lookup(data):
    obj = yaml.safe_load(data)
    return obj

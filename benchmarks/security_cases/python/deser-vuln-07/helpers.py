import yaml


def run_lookup(profile):
    obj = yaml.load(profile, Loader=yaml.Loader)
    return obj

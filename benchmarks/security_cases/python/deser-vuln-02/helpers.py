import yaml


def do_work(profile):
    obj = yaml.unsafe_load(profile)
    return obj

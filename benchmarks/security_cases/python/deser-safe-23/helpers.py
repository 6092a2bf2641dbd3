import yaml


def handle_value(profile):
    obj = yaml.load(profile, Loader=yaml.Loader)
    return obj

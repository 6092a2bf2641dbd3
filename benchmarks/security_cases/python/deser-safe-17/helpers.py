import json


def process(profile):
    obj = json.loads(profile)
    return obj

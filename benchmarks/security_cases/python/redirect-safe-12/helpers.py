ALLOWED = {"/home", "other"}



def prepare(raw):
    value = raw
    if value not in ALLOWED:
        raise ValueError('bad value')
    return value

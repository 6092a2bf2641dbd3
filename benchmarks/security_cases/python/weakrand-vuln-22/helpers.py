def prepare(raw):
    value = f"{raw}"
    return value

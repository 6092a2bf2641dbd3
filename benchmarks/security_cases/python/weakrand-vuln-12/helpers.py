def prepare(raw):
    params = {"q": raw}
    value = params.get("q", "")
    return value

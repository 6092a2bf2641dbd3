def do_work(code):
    scope = {}
    exec(f"result = {code}", scope)
    result = scope["result"]
    return result

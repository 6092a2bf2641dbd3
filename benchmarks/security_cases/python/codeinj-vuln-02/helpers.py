def run_lookup(code):
    code = compile(code, "<calc>", "eval")
    result = eval(code)
    return result

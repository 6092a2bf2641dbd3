def do_work(code):
    code = compile(code, "<calc>", "eval")
    result = eval(code)
    return result

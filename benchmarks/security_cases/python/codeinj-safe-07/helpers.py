def do_work(formula):
    code = compile(formula, "<calc>", "eval")
    result = eval(code)
    return result

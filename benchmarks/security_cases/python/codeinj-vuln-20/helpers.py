def run_lookup(formula):
    result = eval(formula)
    return result

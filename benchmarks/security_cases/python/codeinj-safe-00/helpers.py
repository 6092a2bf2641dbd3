import ast


def do_work(code):
    result = ast.literal_eval(code)
    return result

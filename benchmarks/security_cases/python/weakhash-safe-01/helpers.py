import hashlib


def run_lookup(api_key):
    digest = hashlib.new("sha512", api_key.encode()).hexdigest()
    return digest

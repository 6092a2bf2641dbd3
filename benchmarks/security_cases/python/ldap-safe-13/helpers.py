import ldap
from ldap.filter import escape_filter_chars

conn = ldap.initialize("ldap://ldap.example.org")



def run_lookup(login):
    res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(login)})")
    return res

import ldap

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"



def run_lookup(login):
    flt = "(mail=%s)" % login
    res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
    return res

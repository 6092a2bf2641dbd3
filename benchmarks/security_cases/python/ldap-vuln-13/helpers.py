import ldap

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"



def do_work(mail):
    flt = "(mail=%s)" % mail
    res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
    return res

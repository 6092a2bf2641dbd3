import ldap
import ldap.filter

conn = ldap.initialize("ldap://ldap.example.org")
BASE_DN = "ou=people,dc=example,dc=org"



def do_work(login):
    flt = ldap.filter.filter_format("(mail=%s)", [login])
    res = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)
    return res

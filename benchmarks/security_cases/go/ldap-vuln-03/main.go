package main

import (
	"fmt"
	"github.com/go-ldap/ldap/v3"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var conn *ldap.Conn

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "jdoe"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("user")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	value := fmt.Sprintf("%s", r.Header.Get("X-User"))
	req := ldap.NewSearchRequest("dc=example,dc=org", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid="+value+")", []string{"dn"}, nil)
	_, _ = conn.Search(req)
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/ldap", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

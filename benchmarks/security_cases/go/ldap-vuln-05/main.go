package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
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

func handle(c *gin.Context) {
	params := map[string]string{"user": c.PostForm("user")}
	value := params["user"]
	req := ldap.NewSearchRequest("dc=example,dc=org", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, "(uid="+value+")", []string{"dn"}, nil)
	_, _ = conn.Search(req)
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/ldap", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

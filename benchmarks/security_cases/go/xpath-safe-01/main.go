package main

import (
	"fmt"
	"github.com/antchfx/xmlquery"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var usersDoc *xmlquery.Node

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "alice"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("title")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	var sb strings.Builder
	sb.WriteString(r.FormValue("title"))
	value := sb.String()
	for _, n := range xmlquery.Find(usersDoc, "//user") {
		if n.SelectAttr("name") == value {
			_ = n
		}
	}
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/xpath", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

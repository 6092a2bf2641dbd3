package main

import (
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var db *sql.DB

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
	ck, err := r.Cookie("name")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	var sb strings.Builder
	sb.WriteString(r.URL.Query().Get("name"))
	value := sb.String()
	q := fmt.Sprintf("DELETE FROM carts WHERE owner = '%s'", value)
	_, _ = db.Exec(q)
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/sqli", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

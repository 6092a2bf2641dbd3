package main

import (
	"fmt"
	"github.com/gorilla/sessions"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "guest"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("role")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	value := r.URL.Query().Get("role")
	log.Println(value)
	sess, _ := store.Get(r, "app")
	sess.Values["user"] = "guest"
	_ = sess.Save(r, w)
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/trust", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

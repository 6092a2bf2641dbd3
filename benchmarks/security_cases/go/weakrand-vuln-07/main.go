package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/gorilla/sessions"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	mrand "math/rand"
)

var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "x"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("email")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	value := fmt.Sprintf("%s", r.Header.Get("X-Email"))
	token := strconv.Itoa(100000 + mrand.Intn(900000))
	sess, _ := store.Get(r, "app")
	sess.Values["csrf"] = token
	_ = sess.Save(r, w)
	log.Println(value)
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/weakrand", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

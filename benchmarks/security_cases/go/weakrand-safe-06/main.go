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
	var sb strings.Builder
	sb.WriteString(cookieValue(r))
	value := sb.String()
	raw := make([]byte, 16)
	_, _ = rand.Read(raw)
	token := hex.EncodeToString(raw)
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

package main

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "pw"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("password")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	params := map[string]string{"password": r.Header.Get("X-Password")}
	value := params["password"]
	sum := md5.Sum([]byte(value))
	fmt.Fprint(w, hex.EncodeToString(sum[:]))
}

func main() {
	http.HandleFunc("/weakhash", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

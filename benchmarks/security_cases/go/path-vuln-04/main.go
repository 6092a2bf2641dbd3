package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "report.txt"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("file")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	value := cookieValue(r)
	if value == "" {
		value = "report.txt"
	}
	f, _ := os.Open(filepath.Join("/srv/uploads", value))
	defer f.Close()
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/path", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

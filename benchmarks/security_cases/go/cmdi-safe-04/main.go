package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "localhost"
}

type form struct {
	Value string
}

func cookieValue(r *http.Request) string {
	ck, err := r.Cookie("host")
	if err != nil {
		return ""
	}
	return ck.Value
}

func handle(w http.ResponseWriter, r *http.Request) {
	value := "localhost"
	switch raw := r.PathValue("host"); raw {
	case "localhost", "other":
		value = raw
	}
	cmd := exec.Command("bash", "-c", fmt.Sprintf("nslookup %s", value))
	_ = cmd.Run()
	fmt.Fprint(w, "ok")
}

func main() {
	http.HandleFunc("/cmdi/{host}", handle)
	log.Fatal(http.ListenAndServe(":8080", nil))
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

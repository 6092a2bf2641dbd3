package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
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
	return "anon"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := normalise(c.Param("pref"))
	http.SetCookie(c.Writer, &http.Cookie{Name: "session_id", Value: value, Path: "/"})
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/cookie/:pref", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

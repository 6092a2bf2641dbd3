package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
	"html"
	"html/template"
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
	return "guest"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := normalise(c.DefaultQuery("comment", ""))
	_ = template.Must(template.New("p").Parse("<p>{{.}}</p>")).Execute(c.Writer, value)
}

func main() {
	r := gin.Default()
	r.POST("/xss", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

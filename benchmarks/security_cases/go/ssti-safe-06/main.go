package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
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
	return "Hello"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := c.DefaultQuery("greeting", "")
	value = "Hello"
	tmpl := template.Must(template.New("page").Parse("<h1>" + value + "</h1>"))
	_ = tmpl.Execute(c.Writer, nil)
}

func main() {
	r := gin.Default()
	r.POST("/ssti", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

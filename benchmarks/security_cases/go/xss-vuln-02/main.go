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
	value := fmt.Sprintf("%s", c.Query("comment"))
	c.Writer.Header().Set("Content-Type", "text/html")
	fmt.Fprintf(c.Writer, "<div>%s</div>", value)
}

func main() {
	r := gin.Default()
	r.GET("/xss", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

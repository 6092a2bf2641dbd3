package main

import (
	"fmt"
	"github.com/antchfx/xmlquery"
	"github.com/gin-gonic/gin"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var usersDoc *xmlquery.Node

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "alice"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	params := map[string]string{"title": c.Param("title")}
	value := params["title"]
	for _, n := range xmlquery.Find(usersDoc, "//user") {
		if n.SelectAttr("name") == value {
			_ = n
		}
	}
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.POST("/xpath/:title", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

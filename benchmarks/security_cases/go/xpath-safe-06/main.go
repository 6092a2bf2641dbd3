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
	value := pick(c.Query("title"))
	node := xmlquery.FindOne(usersDoc, "//user[@name='"+value+"']/email")
	_ = node
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/xpath", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

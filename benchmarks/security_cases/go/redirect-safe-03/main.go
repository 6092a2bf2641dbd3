package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "/home"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := "/home"
	switch raw := c.Query("next"); raw {
	case "/home", "other":
		value = raw
	}
	c.Redirect(302, value)
}

func main() {
	r := gin.Default()
	r.GET("/redirect", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

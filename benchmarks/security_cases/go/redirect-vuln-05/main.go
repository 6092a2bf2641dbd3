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
	value := fmt.Sprintf("%s", c.DefaultQuery("next", ""))
	c.Redirect(302, "https://" + value + "/login")
}

func main() {
	r := gin.Default()
	r.POST("/redirect", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
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

func handle(c *gin.Context) {
	value := normalise(c.DefaultQuery("file", ""))
	f, _ := os.Open(filepath.Join("/srv/uploads", value))
	defer f.Close()
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.POST("/path", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

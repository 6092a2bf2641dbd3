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
	params := map[string]string{"file": c.PostForm("file")}
	value := params["file"]
	data, _ := os.ReadFile(filepath.Join("/srv/files", filepath.Base(value)))
	c.Writer.Write(data)
}

func main() {
	r := gin.Default()
	r.POST("/path", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

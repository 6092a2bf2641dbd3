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
	var sb strings.Builder
	sb.WriteString(c.DefaultQuery("file", ""))
	value := sb.String()
	full := filepath.Join("/srv/uploads", value)
	if !strings.HasPrefix(filepath.Clean(full), "/srv/uploads/") {
		http.Error(c.Writer, "bad path", 400)
		return
	}
	f, _ := os.Open(full)
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

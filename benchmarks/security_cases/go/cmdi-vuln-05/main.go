package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "localhost"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := c.GetHeader("X-Host")
	out, _ := exec.Command("sh", "-c", "ping -c 1 "+value).CombinedOutput()
	c.Writer.Write(out)
}

func main() {
	r := gin.Default()
	r.POST("/cmdi", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

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
	n, err := strconv.Atoi(c.Param("host"))
	if err != nil {
		n = 0
	}
	value := strconv.Itoa(n)
	out, _ := exec.Command("sh", "-c", "ping -c 1 "+value).CombinedOutput()
	c.Writer.Write(out)
}

func main() {
	r := gin.Default()
	r.GET("/cmdi/:host", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

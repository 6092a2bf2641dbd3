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
	params := map[string]string{"host": c.Query("host")}
	value := params["host"]
	cmd := exec.Command("bash", "-c", fmt.Sprintf("nslookup %s", value))
	_ = cmd.Run()
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/cmdi", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

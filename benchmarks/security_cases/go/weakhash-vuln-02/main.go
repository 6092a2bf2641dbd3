package main

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/gin-gonic/gin"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)


func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "pw"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := normalise(c.DefaultQuery("password", ""))
	h := sha1.New()
	h.Write([]byte(value))
	fmt.Fprint(c.Writer, hex.EncodeToString(h.Sum(nil)))
}

func main() {
	r := gin.Default()
	r.GET("/weakhash", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

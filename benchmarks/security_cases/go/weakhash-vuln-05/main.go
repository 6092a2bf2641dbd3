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
	params := map[string]string{"password": c.GetHeader("X-Password")}
	value := params["password"]
	sum := md5.Sum([]byte(value))
	fmt.Fprint(c.Writer, hex.EncodeToString(sum[:]))
}

func main() {
	r := gin.Default()
	r.GET("/weakhash", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

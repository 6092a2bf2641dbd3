package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/gin-gonic/gin"
	"github.com/gorilla/sessions"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	mrand "math/rand"
)

var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "x"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := fmt.Sprintf("%s", c.DefaultQuery("email", ""))
	raw := make([]byte, 16)
	_, _ = rand.Read(raw)
	token := hex.EncodeToString(raw)
	sess, _ := store.Get(c.Request, "app")
	sess.Values["csrf"] = token
	_ = sess.Save(c.Request, c.Writer)
	log.Println(value)
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/weakrand", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

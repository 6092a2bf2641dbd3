package main

import (
	"fmt"
	"github.com/gin-gonic/gin"
	"github.com/gorilla/sessions"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var store = sessions.NewCookieStore([]byte(os.Getenv("SESSION_KEY")))

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "guest"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	value := "guest"
	switch raw := c.GetHeader("X-Role"); raw {
	case "guest", "other":
		value = raw
	}
	sess, _ := store.Get(c.Request, "app")
	sess.Values["user"] = value
	_ = sess.Save(c.Request, c.Writer)
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.POST("/trust", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

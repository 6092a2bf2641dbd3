package main

import (
	"database/sql"
	"fmt"
	"github.com/gin-gonic/gin"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

var db *sql.DB

func normalise(s string) string {
	return strings.TrimSpace(s)
}

func pick(raw string) string {
	return "alice"
}

type form struct {
	Value string
}

func handle(c *gin.Context) {
	n, err := strconv.Atoi(c.GetHeader("X-Name"))
	if err != nil {
		n = 0
	}
	value := strconv.Itoa(n)
	q := fmt.Sprintf("DELETE FROM carts WHERE owner = '%s'", value)
	_, _ = db.Exec(q)
	c.String(200, "ok")
}

func main() {
	r := gin.Default()
	r.GET("/sqli", handle)
	_ = r.Run(":8080")
}

var _ = os.Getenv
var _ = strconv.Itoa
var _ = log.Println

package httpapi_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
)

// A handler reads every field it needs and checks the error once: the
// first bad field in reading order is the one reported.
func ExampleReader() {
	req := httptest.NewRequest("POST", "/api/v2/sdk/post_comment",
		strings.NewReader(`{"topic_id":"x","comment":"hi"}`))
	req.Header.Set("Content-Type", "application/json")
	p, err := httpapi.ParseParams(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := p.Read()
	room, text := r.RequireInt64("topic_id"), r.Require("comment")
	fmt.Printf("%d %q %v\n", room, text, r.Err())
	// Output:
	// 0 "" topic_id must be an integer, got "x"
}

package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/server"
)

// Start the dev server on a test listener and log a user in, as the SDK does.
func Example() {
	srv, err := server.New(context.Background(), server.Config{AppID: "dev", DBPath: ":memory:"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	form := url.Values{"email": {"alice"}, "password": {"secret"}, "username": {"Alice"}}
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v2/sdk/login_or_register", strings.NewReader(form.Encode()))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("QISCUS-SDK-APP-ID", "dev")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()

	var body struct {
		Status  int `json:"status"`
		Results struct {
			User struct {
				Email    string `json:"email"`
				Username string `json:"username"`
				Token    string `json:"token"`
			} `json:"user"`
		} `json:"results"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		log.Fatal(err)
	}
	u := body.Results.User
	fmt.Println(body.Status, u.Email, u.Username, u.Token != "")
	// The realtime side is at ws://.../mqtt: subscribe "{token}/c" for new messages.
	// Output: 200 alice Alice true
}

package server

import (
	"net"
	"net/http"
	"net/url"
	"testing"

	json "github.com/goccy/go-json"
)

// TestBrokerLB: GET /broker_lb names this server's own host and port in
// the load balancer's shape; other methods are refused.
func TestBrokerLB(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.ts.URL + "/broker_lb")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status int `json:"status"`
		Data   struct {
			URL     string `json:"url"`
			WSSPort string `json:"wss_port"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.ts.URL)
	host, port, _ := net.SplitHostPort(u.Host)
	if resp.StatusCode != 200 || body.Status != 200 || body.Data.URL != host || body.Data.WSSPort != port {
		t.Fatalf("got %d %+v, want url %s wss_port %s", resp.StatusCode, body, host, port)
	}
	post, err := http.Post(e.ts.URL+"/broker_lb", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d, want 405", post.StatusCode)
	}
}

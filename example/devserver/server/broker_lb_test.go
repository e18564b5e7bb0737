package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestBrokerLB: the load balancer answers with this server's own node, in the
// v2 shape (data.url, data.wss_port) and as a full mqtt_url, and an MQTT
// client connects to that URL.
func TestBrokerLB(t *testing.T) {
	e := newEnv(t)
	alice := e.login("alice", "Alice")
	r := e.do(http.MethodGet, "/broker_lb", nil, "", "")
	mustStatus(t, r, 200)
	host, port, _ := strings.Cut(strings.TrimPrefix(e.ts.URL, "http://"), ":")
	checkFields(t, r, []fieldWant{
		{"data.url", host}, {"data.mqtt_url", "ws://" + host + ":" + port + "/mqtt"},
	})
	if got := r.get("data.wss_port"); got == nil || jsonNumber(got) != port {
		t.Errorf("data.wss_port = %v, want %s", got, port)
	}
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}
	mc := e.mqttAt(r.str("data.mqtt_url"), "lb", alice)
	mc.mustSubscribe(alice.Token + "/c")

}

// jsonNumber prints a decoded JSON number as the integer it holds.
func jsonNumber(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

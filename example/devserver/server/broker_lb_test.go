package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
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

// TestBrokerNodeHost: the Host header is echoed into a URL, so only a host
// name or IP address with a valid port gets through.
func TestBrokerNodeHost(t *testing.T) {
	for _, tt := range []struct{ host, want, msg string }{
		{"chat.example:8443", "ws://chat.example:8443/mqtt", ""},
		{"chat.example", "ws://chat.example:80/mqtt", ""},
		{"[::1]:9000", "ws://[::1]:9000/mqtt", ""},
		{"a_b.example:80", "", "is not a host name"},
		{"x@evil.example:80", "", "is not a host name"},
		{"127.0.0.1:99999", "", "has no valid port"},
		{"127.0.0.1:0", "", "has no valid port"},
		{":80", "", "is not a host name"},
	} {
		t.Run(tt.host, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/broker_lb", nil)
			r.Host = tt.host
			n, err := brokerNode(r)
			switch {
			case tt.msg == "" && (err != nil || n.MQTTURL != tt.want):
				t.Errorf("brokerNode = %+v, %v; want %s", n, err, tt.want)
			case tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)):
				t.Errorf("brokerNode = %+v, %v; want an error containing %q", n, err, tt.msg)
			}
		})
	}
}

// jsonNumber prints a decoded JSON number as the integer it holds.
func jsonNumber(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

package broker

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNormalizePresence(t *testing.T) {
	now := time.UnixMilli(1700000000123)
	tests := []struct {
		in, out string
		ok      bool
	}{
		{"1", "1:1700000000123", true},
		{"0", "0:1700000000123", true},
		{"", "0:1700000000123", true},
		{"1:5", "1:5", true},
		{"0:1700000000000", "0:1700000000000", true},
		{"true", "", false},
		{"1:", "", false},
		{"1:x", "", false},
		{"3:1", "", false},
		{" 1", "", false},
	}
	for _, tt := range tests {
		out, ok := normalizePresence([]byte(tt.in), now)
		if string(out) != tt.out || ok != tt.ok {
			t.Errorf("normalizePresence(%q) = %q, %v; want %q, %v", tt.in, out, ok, tt.out, tt.ok)
		}
	}
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

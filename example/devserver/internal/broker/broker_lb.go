package broker

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
)

// LBPath serves the broker load balancer of the v2 client
// (init's brokerLbURL, enableRealtimeLB): after a lost connection the client
// GETs it without headers and connects to wss://{data.url}:{data.wss_port}/mqtt.
// This server is its own only node, so the answer is the host and port the
// request came to; mqtt_url (ours) also carries the scheme, since a plain
// HTTP devserver speaks ws:// where v2 always builds wss://.
const LBPath = "/broker_lb"

type brokerNodeJSON struct {
	URL     string `json:"url"`
	WSSPort int    `json:"wss_port"`
	MQTTURL string `json:"mqtt_url"`
}

func (b *Broker) ServeLB(w http.ResponseWriter, r *http.Request) {
	// A simple GET without custom headers: no preflight to answer.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	node, err := brokerNode(r)
	if err != nil {
		httpapi.WriteError(b.log, w, r, err)
		return
	}
	httpapi.WriteJSON(b.log, w, http.StatusOK, map[string]any{"status": http.StatusOK, "data": node})
}

// brokerNode is the node at the request's own Host. The Host header is the
// client's to choose, so it must be a plain host name or IP address and port:
// it is echoed into a URL the client connects to.
func brokerNode(r *http.Request) (brokerNodeJSON, error) {
	scheme, port := "ws", 80
	if r.TLS != nil {
		scheme, port = "wss", 443
	}
	host := r.Host
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return brokerNodeJSON{}, apierr.BadRequest("Host %q has no valid port", r.Host)
		}
		host, port = h, n
	}
	if host == "" || len(host) > 253 || strings.Trim(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != "" {
		return brokerNodeJSON{}, apierr.BadRequest("Host %q is not a host name or IP address", r.Host)
	}
	hostport := net.JoinHostPort(host, strconv.Itoa(port))
	return brokerNodeJSON{URL: host, WSSPort: port, MQTTURL: scheme + "://" + hostport + "/mqtt"}, nil
}

package server

import (
	"net"
	"net/http"

	json "github.com/goccy/go-json"
)

// handleBrokerLB is GET /broker_lb: the broker load balancer of Qiscus
// (reference §D.5), answering with this server's own broker as
// {status, node, data: {url, wss_port, ssl_port}}. Clients fetch it without
// headers, so it needs none; point init's brokerLbURL here to use it.
func (s *Server) handleBrokerLB(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, "80"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": 200, "node": "devserver",
		"data": map[string]any{"url": host, "wss_port": port, "ssl_port": port}})
}

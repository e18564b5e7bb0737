package sdk

import (
	"context"
	"net"
	"strings"
)

// Request is one REST call. Header names are sent as given.
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   []byte
}

// Response is the status and the whole body of a REST call.
type Response struct {
	Status int
	Body   []byte
}

// HTTPDoer performs REST calls. Natively it wraps net/http; in the browser
// it calls fetch. A non-nil error means no HTTP response was received.
type HTTPDoer interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}

// Dialer opens the byte stream MQTT runs over.
type Dialer interface {
	Dial(ctx context.Context, url string) (net.Conn, error)
}

func isWebSocketURL(u string) bool {
	return strings.HasPrefix(u, "ws://") || strings.HasPrefix(u, "wss://")
}

package sdk

import (
	"context"
	"encoding/binary"
	"fmt"
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

// newClientID is {AppId}_{userId}_{40 random digits}. v2 ended it with
// Date.now(), which the "1:{ms}" presence heartbeat gives away, and a
// CONNECT that reuses a client id takes the session over (MQTT 3.1.1 §3.1.4,
// 5.0 §3.1.4). 128 bits from secureRandom make it unguessable. The digits keep
// v2's shape, {AppId}_{userId}_{digits}, which brokers may parse; MQTT 3.1.1
// and 5 let a server refuse ids over 23 characters but mosquitto, mochi and
// Qiscus's broker take longer ones (v2's own are 30 and more).
func newClientID(appID, userID string) string {
	var b [16]byte
	secureRandom(b[:])
	return fmt.Sprintf("%s_%s_%020d%020d", appID, userID,
		binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]))
}

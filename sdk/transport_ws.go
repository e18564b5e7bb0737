//go:build !js

package sdk

import (
	"context"
	"net"

	"github.com/coder/websocket"
)

// WebSocketDialer dials MQTT over WebSocket with subprotocol "mqtt", using
// the browser's WebSocket under js/wasm and net/http natively.
type WebSocketDialer struct{}

// Dial implements Dialer.
func (WebSocketDialer) Dial(ctx context.Context, url string) (net.Conn, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"mqtt"}})
	if err != nil {
		return nil, err
	}
	// The NetConn's lifetime is the connection's, not the dial context's.
	nc := websocket.NetConn(context.Background(), c, websocket.MessageBinary)
	// After NetConn, which turns the limit off: a message over it fails the
	// read with websocket.ErrMessageTooBig (close code 1009) before it is all
	// read, so a hostile broker cannot make us buffer an unbounded message.
	c.SetReadLimit(int64(maxPacketSize))
	return nc, nil
}

//go:build !js || !jsws

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
	c.SetReadLimit(1 << 20)
	// The NetConn's lifetime is the connection's, not the dial context's.
	return websocket.NetConn(context.Background(), c, websocket.MessageBinary), nil
}

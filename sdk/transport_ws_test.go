//go:build !js

package sdk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// oversizeServer is a WebSocket server on loopback that answers every
// connection with one binary message of n bytes, as a hostile or broken
// broker could.
func oversizeServer(t *testing.T, n int) string {
	t.Helper()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"mqtt"}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		_ = c.Write(ctx, websocket.MessageBinary, bytes.Repeat([]byte{'x'}, n))
		_, _, _ = c.Read(ctx) // until the client goes away
	}))
	t.Cleanup(hs.Close)
	return "ws" + strings.TrimPrefix(hs.URL, "http")
}

// TestWebSocketDialerReadLimit: websocket.NetConn turns the read limit off,
// so a limit set before it has no effect. A message over maxPacketSize must
// fail the read (and close the connection) before it is all read.
func TestWebSocketDialerReadLimit(t *testing.T) {
	url := oversizeServer(t, 5<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := WebSocketDialer{}.Dial(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := io.Copy(io.Discard, conn)
	if n > int64(maxPacketSize)+1 { // coder/websocket reads one byte past the limit
		t.Fatalf("read %d bytes of a 5 MB message, over the %d-byte limit (err %v)", n, maxPacketSize, err)
	}
	if !errors.Is(err, websocket.ErrMessageTooBig) {
		t.Fatalf("read %d bytes, err %v; want %v", n, err, websocket.ErrMessageTooBig)
	}
}

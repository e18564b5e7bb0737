package server

import (
	"context"
	"fmt"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/webhook"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"

	json "github.com/goccy/go-json"
)

// Helpers for reconnect and realtime tests of SDKs running against this server.

// DisconnectMQTT drops every MQTT connection now, like a network failure:
// no DISCONNECT is sent, so presence wills fire. Clients may reconnect at once
// unless SetMQTTEnabled(false) was called first. It returns once the broker
// has released the connections (or after 5 seconds).
func (s *Server) DisconnectMQTT() {
	s.broker.DropAll(5 * time.Second)
}

// handleDevDisconnectMQTT is POST /api/v2/dev/disconnect_mqtt, served only
// with Config.TestHooks (devserver -test-hooks): DisconnectMQTT from outside
// the process, so browser tests can cut the WebSocket links while REST stays up.
func (s *Server) handleDevDisconnectMQTT(*httpapi.Call) (any, error) {
	n := s.broker.ConnCount()
	s.DisconnectMQTT()
	return map[string]any{"disconnected": n}, nil
}

// SetMQTTEnabled switches /mqtt on or off. While off, WebSocket upgrades get
// 503, so clients stay disconnected; REST keeps working. Switching off does
// not close existing connections: call DisconnectMQTT for that.
func (s *Server) SetMQTTEnabled(on bool) {
	s.broker.SetEnabled(on)
}

// PostComment posts a text comment as userID, exactly as post_comment does
// (same checks, fan-out to {token}/c and idempotency on uniqueID; "" makes
// one up), and returns the comment JSON the sender would get.
func (s *Server) PostComment(ctx context.Context, userID string, roomID int64, text, uniqueID string) (json.RawMessage, error) {
	u, err := s.reads.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("server: PostComment: %w", err)
	}
	cm, d, err := s.chat.PostComment(ctx, &u, store.NewComment{
		RoomID: roomID, UniqueTempID: uniqueID, Message: text, Type: "text", CreatedAt: time.Now(),
	}, chat.PostOptions{Webhook: webhook.Mobile})
	if err != nil {
		return nil, fmt.Errorf("server: PostComment: %w", err)
	}
	b, err := json.Marshal(wire.CommentFor(&cm, d, u.PK))
	if err != nil {
		return nil, fmt.Errorf("server: PostComment: %w", err)
	}
	return b, nil
}

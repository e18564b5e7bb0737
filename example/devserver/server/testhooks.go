package server

import (
	"context"
	"fmt"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/idtoken"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/webhook"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
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
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("server: PostComment: %w", err)
	}
	cm, d, err := s.svc.PostComment(ctx, &u, store.NewComment{
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

// devEndpoints are served under /api/v2/dev/: helpers for tests that no
// Qiscus server has, each behind its own flag (Config.DevIdentityEndpoint
// mints credentials for anyone; Config.TestHooks cuts every MQTT link). Both
// are off by default and never answer other origins.
func (s *Server) devEndpoints() map[string]func(*httpapi.Call) (any, error) {
	eps := map[string]func(*httpapi.Call) (any, error){}
	if s.cfg.DevIdentityEndpoint {
		eps["POST identity_token"] = s.handleDevIdentityToken
	}
	if s.cfg.TestHooks {
		eps["POST disconnect_mqtt"] = s.handleDevDisconnectMQTT
	}
	return eps
}

// handleDevIdentityToken is POST /api/v2/dev/identity_token (form: nonce,
// user_id, name). Dev only: it signs with the server's own secret what an
// app backend would, so browser tests can exercise the identity-token login.
func (s *Server) handleDevIdentityToken(c *httpapi.Call) (any, error) {
	rd := c.P.Read()
	nonce, id := rd.Require("nonce"), rd.Require("user_id")
	if err := rd.Err(); err != nil {
		return nil, err
	}
	if err := wire.ValidUserID(id); err != nil {
		return nil, apierr.BadRequest("user_id: %s", err.Error())
	}
	if s.cfg.Secret == "" {
		return nil, apierr.New(apierr.ErrForbidden, "identity tokens are disabled: the server has no app secret (-secret)")
	}
	tok, err := idtoken.Sign(s.cfg.Secret, s.cfg.AppID, nonce, id, c.P.String("name"), 0)
	if err != nil {
		return nil, err
	}
	return map[string]any{"identity_token": tok}, nil
}

package server

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// hooks identifies MQTT clients, enforces topic ACLs, normalises presence and
// accepts the official v2 client's CONNECT.
//
// Identity: a client with username/password must present a user id and its
// valid token. A client without credentials is identified by its client id
// {AppId}_{userId}_{digits} when that names a known user, and otherwise stays
// anonymous until it subscribes a valid {token}/c (the v2 client's anonymous
// connection does exactly that after login).
type hooks struct {
	mqtt.HookBase
	s        *Server
	mq       *mqtt.Server
	sessions sync.Map // *mqtt.Client → *session
}

// session is what the broker knows about one connection.
type session struct {
	mu      sync.Mutex
	userID  string // Qiscus user id; "" while anonymous
	userPK  int64
	pending map[string]int // filters of SUBSCRIBE packets being processed
}

func newHooks(s *Server, mq *mqtt.Server) *hooks { return &hooks{s: s, mq: mq} }

func (h *hooks) ID() string { return "qiscus-devserver" }

func (h *hooks) Provides(b byte) bool {
	return bytes.IndexByte([]byte{
		mqtt.OnPacketRead, mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnDisconnect,
		mqtt.OnACLCheck, mqtt.OnSubscribe, mqtt.OnSubscribed, mqtt.OnPublish, mqtt.OnWill,
	}, b) >= 0
}

func (s *session) identity() (string, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userID, s.userPK
}

// bind identifies an anonymous session as u; it fails if the session is someone else.
func (s *session) bind(u *user) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userPK == 0 {
		s.userID, s.userPK = u.ID, u.PK
	}
	return s.userPK == u.PK
}

func (s *session) setPending(filters packets.Subscriptions, delta int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		s.pending = map[string]int{}
	}
	for _, f := range filters {
		if s.pending[f.Filter] += delta; s.pending[f.Filter] <= 0 {
			delete(s.pending, f.Filter)
		}
	}
}

func (s *session) isPending(filter string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending[filter] > 0
}

func (h *hooks) session(cl *mqtt.Client) *session {
	if v, ok := h.sessions.Load(cl); ok {
		return v.(*session)
	}
	return nil
}

// queryCtx bounds the hooks' database lookups.
func (h *hooks) queryCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(h.s.ctx, 5*time.Second)
}

// OnPacketRead runs before mochi validates the CONNECT. The official v2 client
// sends a last will with a zero-length payload (legal in MQTT 3.1.1), which mochi
// 2.7.9 rejects as "will flag no payload", so the client would reconnect every
// second forever. An empty will means "offline", so it becomes "0".
func (h *hooks) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Connect && pk.Connect.WillFlag && len(pk.Connect.WillPayload) == 0 {
		pk.Connect.WillPayload = []byte("0")
	}
	return pk, nil
}

// OnConnectAuthenticate admits everyone; OnConnect has already refused bad credentials.
func (h *hooks) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnConnect identifies the client (see hooks) and drops a will the client could
// not publish itself, such as the anonymous client's u/undefined/s.
func (h *hooks) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	ctx, cancel := h.queryCtx()
	defer cancel()
	sess := &session{}
	if pk.Connect.UsernameFlag || pk.Connect.PasswordFlag {
		u, err := h.s.store.authenticate(ctx, string(pk.Connect.Username), string(pk.Connect.Password), time.Now())
		if err != nil {
			h.s.log.Info("mqtt connect refused", "client", cl.ID, "user", string(pk.Connect.Username), "err", err)
			code := packets.ErrNotAuthorized
			if cl.Properties.ProtocolVersion < 5 {
				code = packets.ErrBadUsernameOrPassword // mochi maps this to 3.1.1's "not authorized" (5)
			}
			// mochi sends no CONNACK when OnConnect fails, so send it here.
			_ = h.mq.SendConnack(cl, code, false, nil)
			return code
		}
		sess.bind(&u)
	} else if id, ok := parseClientID(h.s.cfg.AppID, cl.ID); ok {
		if u, err := h.s.store.userByID(ctx, id); err == nil {
			sess.bind(&u)
		}
	}
	h.sessions.Store(cl, sess)

	if atomic.LoadUint32(&cl.Properties.Will.Flag) == 1 && !h.willAllowed(ctx, sess, cl.Properties.Will) {
		atomic.StoreUint32(&cl.Properties.Will.Flag, 0)
	}
	return nil
}

func (h *hooks) willAllowed(ctx context.Context, sess *session, w mqtt.Will) bool {
	if _, ok := presenceUser(w.TopicName); ok {
		if _, ok := normalizePresence(w.Payload, time.Now()); !ok {
			return false
		}
	}
	return h.canPublish(ctx, sess, w.TopicName)
}

func (h *hooks) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	h.sessions.Delete(cl)
}

// OnSubscribe marks the filters being subscribed, so that OnACLCheck can tell a
// subscription request (checked in full) from the delivery of a message on a
// subscription that was already checked (allowed without a database query).
func (h *hooks) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if sess := h.session(cl); sess != nil {
		sess.setPending(pk.Filters, 1)
	}
	return pk
}

func (h *hooks) OnSubscribed(cl *mqtt.Client, pk packets.Packet, _ []byte) {
	if sess := h.session(cl); sess != nil {
		sess.setPending(pk.Filters, -1)
	}
}

func (h *hooks) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	if cl.Net.Inline {
		return true
	}
	sess := h.session(cl)
	if sess == nil {
		return false
	}
	if !write && !sess.isPending(topic) {
		return true // delivery on a subscription this hook already allowed
	}
	ctx, cancel := h.queryCtx()
	defer cancel()
	if write {
		return h.canPublish(ctx, sess, topic)
	}
	allowed := h.canSubscribe(ctx, sess, topic)
	if !allowed {
		uid, _ := sess.identity()
		h.s.log.Info("mqtt subscribe refused", "client", cl.ID, "user", uid, "filter", topic)
	}
	return allowed
}

// canSubscribe is the subscribe ACL.
func (h *hooks) canSubscribe(ctx context.Context, sess *session, filter string) bool {
	lv := strings.Split(filter, "/")
	if !literal(lv[0]) || strings.HasPrefix(lv[0], "$") {
		return false // no wildcard at the first level, no $SYS
	}
	_, userPK := sess.identity()
	switch {
	case len(lv) == 2 && isTokenKind(lv[1]):
		u, err := h.s.store.userByToken(ctx, lv[0])
		if err != nil || u.expired(time.Now()) {
			return false
		}
		return sess.bind(&u) // someone else's token is refused
	case lv[0] == "r" && len(lv) >= 3:
		roomID, ok := parseRoomID(lv[1])
		return ok && userPK != 0 && h.participant(ctx, roomID, userPK)
	case lv[0] == "u" && len(lv) == 3 && lv[2] == "s":
		return userPK != 0 && literal(lv[1])
	case lv[0] == h.s.cfg.AppID && len(lv) == 3 && lv[2] == "c" && literal(lv[1]):
		r, err := h.s.store.roomByUniqueID(ctx, lv[1])
		if err != nil {
			return false
		}
		return r.IsPublicChannel || (userPK != 0 && h.participant(ctx, r.ID, userPK))
	}
	return false
}

// canPublish is the publish ACL. Everything else (token topics, receipts) is
// published only by the server, whose inline client bypasses the check.
func (h *hooks) canPublish(ctx context.Context, sess *session, topic string) bool {
	userID, userPK := sess.identity()
	if userPK == 0 {
		return false
	}
	lv := strings.Split(topic, "/")
	switch {
	case len(lv) == 3 && lv[0] == "u" && lv[2] == "s":
		return lv[1] == userID
	case len(lv) == 5 && lv[0] == "r" && lv[1] == lv[2] && lv[3] == userID && lv[4] == "t",
		len(lv) == 4 && lv[0] == "r" && lv[1] == lv[2] && lv[3] == "e":
		roomID, ok := parseRoomID(lv[1])
		return ok && h.participant(ctx, roomID, userPK)
	}
	return false
}

func (h *hooks) participant(ctx context.Context, roomID, userPK int64) bool {
	ok, err := h.s.store.isParticipant(ctx, roomID, userPK)
	if err != nil {
		h.s.log.Warn("mqtt acl", "room", roomID, "err", err)
	}
	return ok && err == nil
}

// OnPublish normalises client presence; the rewritten payload is also what gets
// retained. Server publishes (PublishRaw included) go out untouched.
func (h *hooks) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline {
		return pk, nil
	}
	if _, ok := presenceUser(pk.TopicName); ok {
		p, ok := normalizePresence(pk.Payload, time.Now())
		if !ok {
			h.s.log.Debug("mqtt presence dropped", "client", cl.ID, "payload", string(pk.Payload))
			return pk, packets.ErrRejectPacket
		}
		pk.Payload = p
	}
	return pk, nil
}

// OnWill stamps a presence will with the time of the disconnect.
func (h *hooks) OnWill(_ *mqtt.Client, w mqtt.Will) (mqtt.Will, error) {
	if _, ok := presenceUser(w.TopicName); ok {
		if p, ok := normalizePresence(w.Payload, time.Now()); ok {
			w.Payload = p
		}
	}
	return w, nil
}

package broker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// hooks identifies MQTT clients, enforces topic ACLs, validates what clients
// publish and accepts the official v2 client's CONNECT.
//
// Identity comes from credentials, never from a client id. A client with
// username/password must present a user id and its valid token. A client
// without credentials (the official v2 client) is anonymous until it
// subscribes a valid {token}/c|n|update, which proves that it holds the
// token and binds it to that token's user for the rest of the connection.
// Until then it may subscribe nothing but token topics and public channels
// and publish nothing, and its will is held back.
//
// Sessions: an anonymous CONNECT always starts clean under a client id of its
// own (the one it sent plus a random suffix), so it can neither resume nor
// take over any other connection's session. A CONNECT with credentials that
// reuses the client id of a live or stored session of another user is
// refused; the same user resumes or takes over its own session as MQTT says.
type hooks struct {
	mqtt.HookBase
	ctx      context.Context // the broker's: bounds the lookups
	log      *slog.Logger
	appID    string
	reads    Reads
	mq       *mqtt.Server
	sessions sync.Map // *mqtt.Client → *session; kept while mochi keeps the client

	// removals counts membership removals (dropRoomSubscriptions). A SUBSCRIBE
	// that saw it change re-checks its room filters (OnSubscribed).
	removals atomic.Uint64
	// testAfterACL, when set (tests only), runs after a subscription was
	// allowed and before mochi adds it.
	testAfterACL func(filter string)
}

// session is what the broker knows about one client session.
type session struct {
	mu       sync.Mutex
	userID   string // Qiscus user id; "" while anonymous
	userPK   int64
	pending  map[string]int // filters of SUBSCRIBE packets being processed
	heldWill bool           // an anonymous client's will, armed once it proves its user
	subGen   uint64         // hooks.removals when the SUBSCRIBE being processed began
}

func newHooks(b *Broker, mq *mqtt.Server) *hooks {
	return &hooks{ctx: b.ctx, log: b.log, appID: b.appID, reads: b.reads, mq: mq}
}

func (h *hooks) ID() string { return "qiscus-devserver" }

func (h *hooks) Provides(b byte) bool {
	return bytes.IndexByte([]byte{
		mqtt.OnPacketRead, mqtt.OnConnect, mqtt.OnConnectAuthenticate, mqtt.OnDisconnect,
		mqtt.OnACLCheck, mqtt.OnSubscribe, mqtt.OnSubscribed, mqtt.OnPublish, mqtt.OnWill,
		mqtt.OnClientExpired,
	}, b) >= 0
}

func (s *session) identity() (string, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userID, s.userPK
}

// bind identifies an anonymous session as u. ok is false if the session is
// someone else; fresh is true when this call bound it.
func (s *session) bind(u *store.User) (ok, fresh bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userPK == 0 {
		s.userID, s.userPK = u.ID, u.PK
		fresh = true
	}
	return s.userPK == u.PK, fresh
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
	return context.WithTimeout(h.ctx, 5*time.Second)
}

// anonymousClientID gives an anonymous connection a client id no other
// connection has or can guess.
func anonymousClientID(sent string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return sent + "#anon-" + hex.EncodeToString(b[:])
}

// OnPacketRead runs before mochi validates the CONNECT.
//
// The official v2 client sends a last will with a zero-length payload (legal
// in MQTT 3.1.1), which mochi 2.7.9 rejects as "will flag no payload", so the
// client would reconnect every second forever. An empty will means
// "offline", so it becomes "0".
//
// A CONNECT without credentials gets a client id of its own and a clean
// session (see hooks): nobody's session is resumed or taken over by a
// connection whose identity is unknown.
func (h *hooks) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type != packets.Connect {
		return pk, nil
	}
	if pk.Connect.WillFlag && len(pk.Connect.WillPayload) == 0 {
		pk.Connect.WillPayload = []byte("0")
	}
	if !pk.Connect.UsernameFlag && !pk.Connect.PasswordFlag {
		if pk.Connect.ClientIdentifier != "" {
			pk.Connect.ClientIdentifier = anonymousClientID(pk.Connect.ClientIdentifier)
		}
		pk.Connect.Clean = true
		pk.Properties.SessionExpiryInterval, pk.Properties.SessionExpiryIntervalFlag = 0, false
	}
	return pk, nil
}

// OnConnectAuthenticate admits everyone; OnConnect has already refused bad credentials.
func (h *hooks) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnConnect identifies a client with credentials (see hooks), refuses it
// the client id of another user's session, and holds back or drops wills the
// client may not publish.
func (h *hooks) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	ctx, cancel := h.queryCtx()
	defer cancel()
	sess := &session{}
	if pk.Connect.UsernameFlag || pk.Connect.PasswordFlag {
		u, err := h.reads.Authenticate(ctx, string(pk.Connect.Username), string(pk.Connect.Password), time.Now())
		if err != nil {
			h.log.Info("mqtt connect refused", "client", cl.ID, "user", string(pk.Connect.Username), "err", err)
			code := packets.ErrNotAuthorized
			if cl.Properties.ProtocolVersion < 5 {
				code = packets.ErrBadUsernameOrPassword // mochi maps this to 3.1.1's "not authorized" (5)
			}
			return h.refuse(cl, code)
		}
		sess.bind(&u)
		if old, ok := h.mq.Clients.Get(cl.ID); ok {
			if os := h.session(old); os == nil || os.userPK != u.PK {
				h.log.Info("mqtt connect refused: client id belongs to another user's session", "client", cl.ID, "user", u.ID)
				return h.refuse(cl, packets.ErrClientIdentifierNotValid)
			}
			h.sessions.Delete(old) // this user's own session, taken over by cl
		}
	}
	h.sessions.Store(cl, sess)

	if atomic.LoadUint32(&cl.Properties.Will.Flag) == 1 {
		if _, userPK := sess.identity(); userPK == 0 {
			// Armed by armWill once the client proves who it is.
			sess.heldWill = true
			atomic.StoreUint32(&cl.Properties.Will.Flag, 0)
		} else if !h.willAllowed(sess, cl.Properties.Will) {
			atomic.StoreUint32(&cl.Properties.Will.Flag, 0)
		}
	}
	return nil
}

// refuse sends the CONNACK that mochi does not send when OnConnect fails.
func (h *hooks) refuse(cl *mqtt.Client, code packets.Code) error {
	_ = h.mq.SendConnack(cl, code, false, nil)
	return code
}

// willAllowed accepts only a presence will of the session's own user (both
// official clients send one).
func (h *hooks) willAllowed(sess *session, w mqtt.Will) bool {
	userID, userPK := sess.identity()
	who, ok := presenceUser(w.TopicName)
	if !ok || userPK == 0 || who != userID || len(w.Payload) > maxPresencePayload {
		return false
	}
	_, ok = normalizePresence(w.Payload, time.Now())
	return ok
}

// armWill restores the will an anonymous client sent with its CONNECT once the
// client has proven its user, if the will is that user's presence. It runs
// on the client's own goroutine (its SUBSCRIBE), as does the will's use.
func (h *hooks) armWill(cl *mqtt.Client, sess *session) {
	sess.mu.Lock()
	held := sess.heldWill
	sess.heldWill = false
	sess.mu.Unlock()
	if held && h.willAllowed(sess, cl.Properties.Will) {
		atomic.StoreUint32(&cl.Properties.Will.Flag, 1)
	}
}

// OnDisconnect forgets a session mochi forgets too; a stored session (MQTT 5
// session expiry) keeps its identity so only its user can resume it.
func (h *hooks) OnDisconnect(cl *mqtt.Client, _ error, expire bool) {
	if expire {
		h.sessions.Delete(cl)
	}
}

// OnClientExpired forgets a stored session that expired.
func (h *hooks) OnClientExpired(cl *mqtt.Client) {
	h.sessions.Delete(cl)
}

// OnSubscribe marks the filters being subscribed, so that OnACLCheck can tell a
// subscription request (checked in full) from the delivery of a message on a
// subscription that was already checked (allowed without a database query).
func (h *hooks) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	if sess := h.session(cl); sess != nil {
		sess.setPending(pk.Filters, 1)
		sess.mu.Lock()
		sess.subGen = h.removals.Load()
		sess.mu.Unlock()
	}
	return pk
}

// OnSubscribed runs after mochi added the granted subscriptions and before
// the SUBACK. If a member was removed from a room meanwhile, the room filters
// are checked again: a removal committed after this client's ACL check but
// before its subscription was added would otherwise miss it
// (dropRoomSubscriptions covers removals after this point). A filter that
// fails is taken back and refused in the SUBACK, which mochi sends from the
// same reason codes.
func (h *hooks) OnSubscribed(cl *mqtt.Client, pk packets.Packet, reasonCodes []byte) {
	sess := h.session(cl)
	if sess == nil {
		return
	}
	sess.setPending(pk.Filters, -1)
	sess.mu.Lock()
	gen := sess.subGen
	sess.mu.Unlock()
	if h.removals.Load() == gen {
		return
	}
	ctx, cancel := h.queryCtx()
	defer cancel()
	for i, f := range pk.Filters {
		if i >= len(reasonCodes) || reasonCodes[i] >= 0x80 || !h.roomFilter(f.Filter) {
			continue
		}
		if !h.canSubscribe(ctx, cl, sess, f.Filter) {
			h.unsubscribe(cl, f.Filter)
			reasonCodes[i] = packets.ErrNotAuthorized.Code
			if cl.Properties.ProtocolVersion < 5 {
				reasonCodes[i] = packets.ErrUnspecifiedError.Code // 3.1.1's 0x80
			}
		}
	}
}

// roomFilter reports whether membership decides a subscription to filter.
func (h *hooks) roomFilter(filter string) bool {
	return strings.HasPrefix(filter, "r/") || strings.HasPrefix(filter, h.appID+"/")
}

// unsubscribe removes a subscription of cl on the server's initiative.
func (h *hooks) unsubscribe(cl *mqtt.Client, filter string) {
	if h.mq.Topics.Unsubscribe(filter, cl.ID) {
		atomic.AddInt64(&h.mq.Info.Subscriptions, -1)
	}
	cl.State.Subscriptions.Delete(filter)
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
	allowed := h.canSubscribe(ctx, cl, sess, topic)
	if allowed && h.testAfterACL != nil {
		h.testAfterACL(topic)
	}
	if !allowed {
		uid, _ := sess.identity()
		h.log.Info("mqtt subscribe refused", "client", cl.ID, "user", uid, "filter", topic)
	}
	return allowed
}

// canSubscribe is the subscribe ACL.
func (h *hooks) canSubscribe(ctx context.Context, cl *mqtt.Client, sess *session, filter string) bool {
	lv := strings.Split(filter, "/")
	if !literal(lv[0]) || strings.HasPrefix(lv[0], "$") {
		return false // no wildcard at the first level, no $SYS
	}
	_, userPK := sess.identity()
	switch {
	case len(lv) == 2 && isTokenKind(lv[1]):
		u, err := h.reads.UserByToken(ctx, lv[0])
		if err != nil || u.Expired(time.Now()) {
			return false
		}
		ok, fresh := sess.bind(&u) // someone else's token is refused
		if fresh {
			h.armWill(cl, sess)
		}
		return ok
	case lv[0] == "r" && len(lv) >= 3:
		roomID, ok := parseRoomID(lv[1])
		return ok && userPK != 0 && h.participant(ctx, roomID, userPK)
	case lv[0] == "u" && len(lv) == 3 && lv[2] == "s":
		return userPK != 0 && literal(lv[1])
	case lv[0] == h.appID && len(lv) == 3 && lv[2] == "c" && literal(lv[1]):
		r, err := h.reads.RoomByUniqueID(ctx, lv[1])
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
	ok, err := h.reads.IsParticipant(ctx, roomID, userPK)
	if err != nil {
		h.log.Warn("mqtt acl", "room", roomID, "err", err)
	}
	return ok && err == nil
}

// OnPublish validates what clients publish (the ACL has already checked the
// topic): presence is normalised, typing must be "1" or "0", a custom event
// must be a JSON object whose sender is the publisher; typing and events are
// never retained. Server publishes (PublishRaw included) go out untouched.
func (h *hooks) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if cl.Net.Inline {
		return pk, nil
	}
	userID := ""
	if sess := h.session(cl); sess != nil {
		userID, _ = sess.identity()
	}
	payload, retain, err := validatePublish(userID, pk.TopicName, pk.Payload, time.Now())
	if err != nil {
		h.log.Debug("mqtt publish dropped", "client", cl.ID, "topic", pk.TopicName, "err", err)
		return pk, rejectPublish(cl, pk)
	}
	pk.Payload = payload
	pk.FixedHeader.Retain = pk.FixedHeader.Retain && retain
	return pk, nil
}

// rejectPublish is how OnPublish drops a message so that the sender still
// gets the acknowledgement its QoS asks for: MQTT 5 QoS 1 gets a PUBACK with
// reason 0x99 (payload format invalid); 3.1.1 has no negative PUBACK, so QoS
// 1 and 2 get a positive one and the message is discarded, which the spec
// allows [MQTT-3.3.5-2]. QoS 2 gets the positive PUBREC in both versions
// (mochi answers a reason code with a PUBACK, wrong for QoS 2).
func rejectPublish(cl *mqtt.Client, pk packets.Packet) error {
	switch {
	case pk.FixedHeader.Qos == 0:
		return packets.ErrRejectPacket
	case pk.FixedHeader.Qos == 1 && cl.Properties.ProtocolVersion == 5:
		return packets.ErrPayloadFormatInvalid
	default:
		return packets.CodeSuccessIgnore
	}
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

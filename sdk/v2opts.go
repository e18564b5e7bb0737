package sdk

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// The v2 members and options that are settings or local state rather than
// REST calls: realtime and sync switches, the receipt mode, the upload
// URL, the default extras, the debug logger, the rooms we know, and the
// small helpers v2 exposed on its prototype (setActiveRoom, sortComments,
// prepareCommentToBeSubmitted, …).

// UpdateCommentStatusMode values, spelled as v2's
// QiscusSDKCore.UpdateCommentStatusMode so the JS values pass through.
const (
	// UpdateStatusEnabled sends receipts, coalesced per room over
	// Config.UpdateStatusDelay (v2 throttled them 500 ms, losing some).
	UpdateStatusEnabled = "UpdateCommentStatusMode.enabled"
	// UpdateStatusThrottled coalesces over Config.UpdateStatusThrottle
	// instead; unlike v2 the calls inside the window are merged, not dropped.
	UpdateStatusThrottled = "UpdateCommentStatusMode.throttled"
	// UpdateStatusDisabled sends no "received" receipts; "read" ones still go,
	// as in v2.
	UpdateStatusDisabled = "UpdateCommentStatusMode.disabled"
)

// maxKnownRooms bounds the rooms kept for receipts after they were left.
const maxKnownRooms = 64

// v2state is the session-independent state behind the v2 settings that
// may change after Init. Its own lock; known is guarded by Client.mu
// because its rooms are the same objects as Client.selected.
type v2state struct {
	mu          sync.Mutex
	uploadURL   string
	mqttURL     string // the broker URL in use (the load balancer may move it)
	syncStopped bool
	known       map[int64]*Room // rooms opened this session, selected included
	order       []int64         // known, least recently opened first
}

// swapLogger lets SetLogger replace the logger while goroutines use it.
type swapLogger struct{ l atomic.Pointer[Logger] }

func (s *swapLogger) get() Logger                   { return *s.l.Load() }
func (s *swapLogger) set(l Logger)                  { s.l.Store(&l) }
func (s *swapLogger) Debug(msg string, args ...any) { s.get().Debug(msg, args...) }
func (s *swapLogger) Info(msg string, args ...any)  { s.get().Info(msg, args...) }
func (s *swapLogger) Warn(msg string, args ...any)  { s.get().Warn(msg, args...) }
func (s *swapLogger) Error(msg string, args ...any) { s.get().Error(msg, args...) }
func newSwapLogger(l Logger) *swapLogger            { s := &swapLogger{}; s.set(l); return s }
func (c *Client) logSwitch() (*swapLogger, bool)    { s, ok := c.cfg.Logger.(*swapLogger); return s, ok }
func (c *Client) debugOn() bool                     { return c.debug.Load() }
func (c *Client) setDebug(on bool)                  { c.debug.Store(on) }
func (c *Client) currentUploadURL() string {
	c.v2.mu.Lock()
	defer c.v2.mu.Unlock()
	return c.v2.uploadURL
}
func (c *Client) currentMQTTURL() string { c.v2.mu.Lock(); defer c.v2.mu.Unlock(); return c.v2.mqttURL }
func (c *Client) periodicSyncOff() bool {
	c.v2.mu.Lock()
	defer c.v2.mu.Unlock()
	return c.v2.syncStopped
}
func (c *Client) statusMode() (mode string, window time.Duration) {
	if c.cfg.UpdateCommentStatusMode == UpdateStatusThrottled {
		return UpdateStatusThrottled, c.cfg.UpdateStatusThrottle
	}
	return c.cfg.UpdateCommentStatusMode, c.cfg.UpdateStatusDelay
}

// initV2 sets the runtime copies of the settings once Init has merged the
// app config.
func (c *Client) initV2() {
	c.v2.mu.Lock()
	c.v2.uploadURL = c.cfg.UploadURL
	if c.v2.uploadURL == "" {
		c.v2.uploadURL = c.cfg.BaseURL + "/api/v2/sdk/upload"
	}
	c.v2.mqttURL = c.cfg.MQTTURL
	c.v2.syncStopped = c.cfg.DisableSync
	c.v2.mu.Unlock()
	c.emitMirror("_state", c.Settings())
}

// Settings are the client's settings as they are now, including those
// that may change after Init: the upload URL (SetUploadURL), the broker
// (the load balancer may move it) and Sync (StopSync, StartSync).
type Settings struct {
	BaseURL, MQTTURL, UploadURL string
	// SyncInterval and SyncOnConnect are negative when off.
	SyncInterval, SyncOnConnect time.Duration
	SyncOnlyWhenDisconnected    bool
	Realtime                    bool // false: Config.DisableRealtime
	Sync                        bool // periodic /sync runs
	SyncEvent                   bool // periodic /sync_event runs
	RealtimeLB                  bool // the broker load balancer is asked
	BrokerLBURL                 string
	Extras                      RawMessage // SendComment's default extras
	UpdateCommentStatusMode     string
	UpdateStatusThrottle        time.Duration
}

// Settings returns a copy of the current settings.
func (c *Client) Settings() Settings {
	c.v2.mu.Lock()
	defer c.v2.mu.Unlock()
	return Settings{BaseURL: c.cfg.BaseURL, MQTTURL: c.v2.mqttURL, UploadURL: c.v2.uploadURL,
		SyncInterval: c.cfg.SyncInterval, SyncOnConnect: c.cfg.SyncOnConnect,
		SyncOnlyWhenDisconnected: c.cfg.SyncOnlyWhenDisconnected, Realtime: !c.cfg.DisableRealtime,
		Sync: !c.v2.syncStopped, SyncEvent: !c.cfg.DisableSyncEvent,
		RealtimeLB: c.cfg.RealtimeLB != nil && *c.cfg.RealtimeLB, BrokerLBURL: c.cfg.BrokerLBURL,
		Extras: append(RawMessage(nil), c.cfg.Extras...), UpdateCommentStatusMode: c.cfg.UpdateCommentStatusMode,
		UpdateStatusThrottle: c.cfg.UpdateStatusThrottle}
}

// SetLogger replaces the logger while the client runs (v2's debugMode set
// after init); nil turns logging off. Events and REST calls are logged at
// Debug whenever a logger is set.
func (c *Client) SetLogger(l Logger) {
	sw, ok := c.logSwitch()
	if !ok {
		return // not initialised yet: Init's Config.Logger decides
	}
	c.setDebug(l != nil)
	if l == nil {
		l = nopLogger{}
	}
	sw.set(l)
}

// UploadURL is where Upload sends files (v2's uploadURL accessor).
func (c *Client) UploadURL() string { return c.currentUploadURL() }

// SetUploadURL changes it; "" restores {BaseURL}/api/v2/sdk/upload.
func (c *Client) SetUploadURL(u string) error {
	if u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return argError("SetUploadURL", "url", "must be an http(s) URL")
		}
	} else {
		u = c.cfg.BaseURL + "/api/v2/sdk/upload"
	}
	c.v2.mu.Lock()
	c.v2.uploadURL = u
	c.v2.mu.Unlock()
	c.emitMirror("_state", map[string]any{"uploadURL": u})
	return nil
}

// StopSync stops the periodic /sync and /sync_event polling (v2's
// stopSync). The syncs that fill a gap after a reconnect still run: they
// are what makes delivery exactly once.
func (c *Client) StopSync() { c.setSyncStopped(true) }

// StartSync resumes it.
func (c *Client) StartSync() { c.setSyncStopped(false) }

func (c *Client) setSyncStopped(off bool) {
	c.v2.mu.Lock()
	c.v2.syncStopped = off
	c.v2.mu.Unlock()
	c.emitMirror("_state", map[string]any{"enableSync": !off})
	if !off {
		c.kickSync()
	}
}

// CloseRealtimeConnection closes the MQTT connection and keeps it closed;
// /sync polls at SyncInterval meanwhile, as in v2.
func (c *Client) CloseRealtimeConnection() error {
	return c.pauseRealtime("CloseRealtimeConnection", true)
}

// OpenRealtimeConnection reconnects after CloseRealtimeConnection; the
// gap is filled by /sync as after any reconnect.
func (c *Client) OpenRealtimeConnection() error {
	return c.pauseRealtime("OpenRealtimeConnection", false)
}

func (c *Client) pauseRealtime(method string, on bool) error {
	rt, err := c.currentRealtime(method)
	if err != nil {
		return err
	}
	rt.pause(on)
	return nil
}

// UpdateLastReceivedComment raises the /sync cursor to id (never lowers
// it), as v2's updateLastReceivedComment did, and returns the cursor.
//
// The delivery gate lets only /sync move the cursor because a live
// comment may come from anyone on the broker. This call comes from the
// application, which vouches that it has everything up to id (say, from
// its own store), so it is trusted the same way: later syncs start after
// id, comments at or below it are treated as delivered, and comments held
// for a gap that this closes are released.
func (c *Client) UpdateLastReceivedComment(id int64) int64 {
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if id > g.cursor {
		g.cursor = id
		g.newest = max(g.newest, id)
		for room, m := range g.rooms {
			if m.last <= g.cursor {
				delete(g.rooms, room)
			}
		}
		for room := range g.held {
			c.releaseLocked(room)
		}
	}
	return g.cursor
}

// rememberRoom records r as known (and most recent); evicts the oldest
// beyond maxKnownRooms, never the selected one. Call with c.mu held.
func (c *Client) rememberRoomLocked(r *Room) {
	if c.v2.known == nil {
		c.v2.known = map[int64]*Room{}
	}
	c.v2.known[r.ID] = r
	for i, id := range c.v2.order {
		if id == r.ID {
			c.v2.order = append(c.v2.order[:i], c.v2.order[i+1:]...)
			break
		}
	}
	c.v2.order = append(c.v2.order, r.ID)
	for len(c.v2.order) > maxKnownRooms {
		old := c.v2.order[0]
		c.v2.order = c.v2.order[1:]
		if c.selected == nil || c.selected.ID != old {
			delete(c.v2.known, old)
		}
	}
}

// knownRoomLocked is the room with that id if we know it. c.mu held.
func (c *Client) knownRoomLocked(id int64) *Room {
	if c.selected != nil && c.selected.ID == id {
		return c.selected
	}
	return c.v2.known[id]
}

// ClearRoomsCache forgets every known room but the selected one (v2's
// clearRoomsCache trimmed its rooms list the same way).
func (c *Client) ClearRoomsCache() {
	c.mu.Lock()
	c.v2.known, c.v2.order = nil, nil
	if c.selected != nil {
		c.rememberRoomLocked(c.selected)
	}
	c.mu.Unlock()
}

// KnownRoomIDs are the rooms receipts are applied to, oldest first.
func (c *Client) KnownRoomIDs() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.v2.order...)
}

// SetActiveRoom opens a room the app already has (the server's room JSON,
// with its comments): topics, receipts and selected as for GetRoomByID,
// without a request.
func (c *Client) SetActiveRoom(ctx context.Context, room RawMessage) (*Room, error) {
	if err := c.requireLogin("SetActiveRoom"); err != nil {
		return nil, err
	}
	r, err := parseRoom(room)
	if err != nil || r.ID <= 0 {
		return nil, argError("SetActiveRoom", "room", "must be a room object with an id")
	}
	var extra struct {
		Comments []RawMessage `json:"comments"`
	}
	_ = jsonx.Unmarshal(room, &extra)
	for _, raw := range extra.Comments {
		if cm, err := c.incoming(ctx, raw); err == nil {
			r.Comments = append(r.Comments, cm)
		}
	}
	sortByID(r.Comments)
	c.setActiveRoom(r)
	return r, nil
}

// SortComments orders the selected room's comments by unix_timestamp (v2's
// sortComments), ids breaking ties and pending ones last.
func (c *Client) SortComments() {
	c.mu.Lock()
	r := c.selected
	if r == nil {
		c.mu.Unlock()
		return
	}
	sort.SliceStable(r.Comments, func(i, j int) bool {
		a, b := r.Comments[i], r.Comments[j]
		if (a.ID == 0) != (b.ID == 0) {
			return b.ID == 0
		}
		if a.UnixTime != b.UnixTime {
			return a.UnixTime < b.UnixTime
		}
		return a.ID < b.ID
	})
	out := make([]*Comment, len(r.Comments))
	for i, cm := range r.Comments {
		out[i] = cm.clone()
	}
	c.mu.Unlock()
	c.emitMirror("_selectedPatch", map[string]any{"comments": out})
}

// ParticipantField is the participant field RemoveSelectedRoomParticipants
// matches values against.
type ParticipantField string

// The fields a participant can be matched on; "" is ByID.
const (
	ByID       ParticipantField = "id"
	ByEmail    ParticipantField = "email"
	ByUsername ParticipantField = "username"
)

// RemoveSelectedRoomParticipants drops participants of the selected room
// locally, matched on key, and returns the participants as they were
// (v2's removeSelectedRoomParticipants).
func (c *Client) RemoveSelectedRoomParticipants(values []string, key ParticipantField) ([]Participant, error) {
	if key == "" {
		key = ByID
	}
	if key != ByID && key != ByEmail && key != ByUsername {
		return nil, argError("RemoveSelectedRoomParticipants", "key", `must be "id", "email" or "username"`)
	}
	c.mu.Lock()
	r := c.selected
	if r == nil {
		c.mu.Unlock()
		return nil, fmt.Errorf("RemoveSelectedRoomParticipants: %w", ErrNoRoomSelected)
	}
	before := append([]Participant(nil), r.Participants...)
	drop := map[string]bool{}
	for _, v := range values {
		drop[v] = true
	}
	kept := r.Participants[:0:0]
	for _, p := range r.Participants {
		k := p.Email
		switch key {
		case ByID:
			k = strconv.FormatInt(p.ID, 10)
		case ByUsername:
			k = p.Username
		}
		if !drop[k] {
			kept = append(kept, p)
		}
	}
	r.Participants = kept
	c.mu.Unlock()
	c.emitMirror("_selectedPatch", map[string]any{"participants": kept, "participantNumber": len(kept)})
	return before, nil
}

// PrepareComment is v2's prepareCommentToBeSubmitted: the pending comment
// for the given fields (message, type, payload, extras, unique_id or
// unique_temp_id, room_id, …), with unix_timestamp now. No I/O.
func (c *Client) PrepareComment(data RawMessage) (*Comment, error) {
	var d struct {
		ID           int64      `json:"id"`
		RoomID       RawMessage `json:"room_id"`
		Message      string     `json:"message"`
		Type         string     `json:"type"`
		Payload      RawMessage `json:"payload"`
		Extras       RawMessage `json:"extras"`
		UniqueID     string     `json:"unique_id"`
		UniqueTempID string     `json:"unique_temp_id"`
		UsernameAs   string     `json:"username_as"`
		UsernameReal string     `json:"username_real"`
	}
	if err := jsonx.Unmarshal(data, &d); err != nil {
		return nil, argError("PrepareComment", "comment", "must be an object")
	}
	now := time.Now()
	cm := &Comment{ID: d.ID, Message: d.Message, Type: d.Type, Payload: nullToNilRaw(d.Payload), Extras: nullToNilRaw(d.Extras),
		UniqueTempID: d.UniqueID, Email: d.UsernameReal, Username: d.UsernameAs, Status: StatusPending,
		Timestamp: now.UTC().Format(time.RFC3339), UnixTime: now.Unix()}
	cm.RoomID, _ = strconv.ParseInt(strings.Trim(string(d.RoomID), `"`), 10, 64)
	if cm.UniqueTempID == "" {
		cm.UniqueTempID = d.UniqueTempID
	}
	if cm.UniqueTempID == "" {
		cm.UniqueTempID = NewUniqueID()
	}
	if cm.Type == "" {
		cm.Type = "text"
	}
	if u := c.User(); u != nil {
		if cm.Email == "" {
			cm.Email = u.Email
		}
		if cm.Username == "" {
			cm.Username = u.Username
		}
	}
	return cm, nil
}

func nullToNilRaw(r RawMessage) RawMessage {
	if string(r) == "null" {
		return nil
	}
	return r
}

// GetRoomParticipants is v2's deprecated getRoomParticipants: the members
// of a room by unique id from offset (broken in v2.14+, working here).
func (c *Client) GetRoomParticipants(ctx context.Context, roomUniqueID string, offset int) (RawMessage, error) {
	if err := c.requireLogin("GetRoomParticipants"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(roomUniqueID) == "" {
		return nil, argError("GetRoomParticipants", "roomUniqueID", "is required")
	}
	return c.call(ctx, "GET", "room_participants", (&params{}).set("room_unique_id", roomUniqueID).set("offset", max(offset, 0)), nil)
}

// channelTopicOf is a public channel's topic, or "" for other rooms.
func (c *Client) channelTopicOf(r *Room) string {
	if r == nil || !r.IsPublicChannel || !validRoomIDString(r.UniqueID) {
		return ""
	}
	return c.cfg.AppID + "/" + r.UniqueID + "/c"
}

// lookupBroker asks the broker load balancer for a broker (v2 §D.5: GET
// without headers, {data: {url, wss_port}}) and moves the broker URL there.
// The scheme follows the configured URL's (v2 forced wss://, which a
// plain-ws development broker cannot serve).
func (c *Client) lookupBroker(ctx context.Context) {
	if c.cfg.RealtimeLB == nil || !*c.cfg.RealtimeLB {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := c.cfg.HTTP.Do(ctx, &Request{Method: "GET", URL: c.cfg.BrokerLBURL, Header: map[string]string{}})
	if err != nil || resp.Status != 200 {
		c.cfg.Logger.Warn("broker load balancer unavailable; keeping the broker URL", "err", err)
		return
	}
	var r struct {
		Data struct {
			URL     string `json:"url"`
			WSSPort any    `json:"wss_port"`
		} `json:"data"`
	}
	if err := jsonx.Unmarshal(resp.Body, &r); err != nil || !validHost(r.Data.URL) {
		c.cfg.Logger.Warn("broker load balancer answered without data.url", "err", err)
		return
	}
	port := strings.Trim(fmt.Sprint(r.Data.WSSPort), `"`)
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		c.cfg.Logger.Warn("broker load balancer answered a bad wss_port", "port", port)
		return
	}
	scheme := "wss://"
	if strings.HasPrefix(c.currentMQTTURL(), "ws://") {
		scheme = "ws://"
	}
	u := scheme + r.Data.URL + ":" + port + "/mqtt"
	c.v2.mu.Lock()
	changed := c.v2.mqttURL != u
	c.v2.mqttURL = u
	c.v2.mu.Unlock()
	if changed {
		c.emitMirror("_state", map[string]any{"mqttURL": u})
	}
}

// validHost accepts a host name or address, nothing that would change the
// URL's shape.
func validHost(h string) bool {
	return h != "" && len(h) <= 253 && !strings.ContainsAny(h, "/?#@ :\\")
}

// applyServerOnly applies the app-config fields only the server sets: the
// default extras (an object, or a JSON string of one), enable_sync,
// enable_sync_event, and a custom broker_lb_url, which turns the balancer
// on (v2.16.9) unless the app said otherwise.
func applyServerOnly(cfg *Config, extras RawMessage, sync, syncEvent *bool, lb string) {
	if s := strings.TrimSpace(string(extras)); s != "" && s != "null" && s != `""` {
		if s[0] == '"' {
			var inner string
			if jsonx.Unmarshal(extras, &inner) == nil {
				s = strings.TrimSpace(inner)
			}
		}
		if strings.HasPrefix(s, "{") && jsonx.Valid([]byte(s)) {
			cfg.Extras = RawMessage(s)
		}
	}
	if sync != nil {
		cfg.DisableSync = !*sync
	}
	if syncEvent != nil {
		cfg.DisableSyncEvent = !*syncEvent
	}
	if lb = strings.TrimSpace(lb); lb != "" && lb != DefaultBrokerLBURL && cfg.BrokerLBURL == DefaultBrokerLBURL {
		cfg.BrokerLBURL = lb
		if !cfg.lbExplicit {
			on := true
			cfg.RealtimeLB = &on
		}
	}
}

// typingStatus mirrors v2's isTypingStatus: "{username} is typing ..."
// while a participant of the selected room types, null otherwise.
func (c *Client) typingStatus(roomID int64, userID string, on bool) {
	c.mu.Lock()
	r := c.selected
	if r == nil || r.ID != roomID {
		c.mu.Unlock()
		return
	}
	name := userID
	for _, p := range r.Participants {
		if p.Email == userID && p.Username != "" {
			name = p.Username
		}
	}
	c.mu.Unlock()
	var st any
	if on {
		st = name + " is typing ..."
	}
	c.emitMirror("_state", map[string]any{"isTypingStatus": st})
}

// chatmateStatus mirrors v2's chatmateStatus for the selected 1-on-1
// room's other participant: "Online", or "Last seen {RFC 3339 time}"
// (v2 compared "1" with 1 and never said Online, reference G.1 #1).
func (c *Client) chatmateStatus(userID, payload string) {
	c.mu.Lock()
	r := c.selected
	me := ""
	if c.user != nil {
		me = c.user.Email
	}
	mate := ""
	if r != nil {
		if t := presenceTopicsOf(r, me); len(t) == 1 {
			mate = strings.TrimSuffix(strings.TrimPrefix(t[0], "u/"), "/s")
		}
	}
	c.mu.Unlock()
	if mate == "" || mate != userID {
		return
	}
	st := "Online"
	if payload[0] == '0' {
		st = "Last seen"
		if _, ms, ok := strings.Cut(payload, ":"); ok {
			if n, err := strconv.ParseInt(ms, 10, 64); err == nil {
				st += " " + time.UnixMilli(n).UTC().Format(time.RFC3339)
			}
		}
	}
	c.emitMirror("_state", map[string]any{"chatmateStatus": st})
}

package broker

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// Topic names of the v2 realtime protocol (docs/PROTOCOL.md#topics).

func tokenTopic(token, kind string) string { return token + "/" + kind }

// receiptTopic is r/{room}/{room}/{user}/{kind}, kind "d" (delivered) or "r" (read).
func receiptTopic(roomID int64, userID, kind string) string {
	return fmt.Sprintf("r/%d/%d/%s/%s", roomID, roomID, userID, kind)
}

func channelTopic(appID, uniqueID string) string { return appID + "/" + uniqueID + "/c" }

// isTokenKind reports whether kind is the last level of a private {token}/… topic.
func isTokenKind(kind string) bool { return kind == "c" || kind == "n" || kind == "update" }

// presenceUser returns the user of a u/{user}/s topic.
func presenceUser(topic string) (string, bool) {
	lv := strings.Split(topic, "/")
	if len(lv) == 3 && lv[0] == "u" && lv[2] == "s" {
		return lv[1], true
	}
	return "", false
}

// Size caps of what clients publish. Presence is "{0|1}:{epochMs}"; typing
// is "1" or "0"; a custom event carries an app's small JSON object.
const (
	maxPresencePayload = 32
	maxEventPayload    = 64 << 10
)

// Errors of validatePublish.
var (
	errPublishTopic   = errors.New("clients may not publish on this topic")
	errPublishPayload = errors.New("invalid payload for this topic")
	errPublishTooBig  = errors.New("payload too large for this topic")
	errEventSender    = errors.New("custom event sender is not the publisher")
)

// validatePublish checks a client's publish by the user userID on a topic the
// ACL allowed, and returns the payload to forward and whether the message
// may be retained (presence only).
func validatePublish(userID, topic string, payload []byte, now time.Time) ([]byte, bool, error) {
	lv := strings.Split(topic, "/")
	switch {
	case len(lv) == 3 && lv[0] == "u" && lv[2] == "s":
		if len(payload) > maxPresencePayload {
			return nil, false, errPublishTooBig
		}
		p, ok := normalizePresence(payload, now)
		if !ok {
			return nil, false, errPublishPayload
		}
		return p, true, nil
	case len(lv) == 5 && lv[0] == "r" && lv[4] == "t":
		if s := string(payload); s != "1" && s != "0" {
			return nil, false, errPublishPayload
		}
		return payload, false, nil
	case len(lv) == 4 && lv[0] == "r" && lv[3] == "e":
		if len(payload) > maxEventPayload {
			return nil, false, errPublishTooBig
		}
		// A map matches keys exactly, as the receivers' JSON.parse does (a
		// struct would also take "SENDER"); of repeated keys both keep the last.
		var ev map[string]json.RawMessage
		if err := json.Unmarshal(payload, &ev); err != nil || ev == nil {
			return nil, false, errPublishPayload
		}
		var sender string
		if err := json.Unmarshal(ev["sender"], &sender); err != nil || sender != userID || userID == "" {
			return nil, false, errEventSender
		}
		return payload, false, nil
	}
	return nil, false, errPublishTopic
}

// normalizePresence rewrites a presence payload to "{0|1}:{epochMs}", the only
// form v2 subscribers parse without crashing: "1" and "0" get the current time,
// an empty payload (the official client's will) means offline, and anything
// else is refused.
func normalizePresence(p []byte, now time.Time) ([]byte, bool) {
	ms := strconv.FormatInt(now.UnixMilli(), 10)
	switch s := string(p); s {
	case "1":
		return []byte("1:" + ms), true
	case "0", "":
		return []byte("0:" + ms), true
	default:
		state, ts, ok := strings.Cut(s, ":")
		if ok && (state == "0" || state == "1") && ts != "" && strings.Trim(ts, "0123456789") == "" {
			return p, true
		}
		return nil, false
	}
}

// literal reports whether a topic level names one thing (no wildcard, not empty).
func literal(level string) bool {
	return level != "" && !strings.ContainsAny(level, "+#")
}

func parseRoomID(level string) (int64, bool) {
	id, err := strconv.ParseInt(level, 10, 64)
	return id, err == nil && id > 0
}

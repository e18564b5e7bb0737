package server

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Topic names of the v2 realtime protocol (reference §D.2).

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

// parseClientID extracts the user id from a v2 client id {AppId}_{userId}_{ms}.
// User ids may contain underscores, so only the prefix and the numeric suffix are
// cut off. The anonymous client (…_undefined_…) names nobody.
func parseClientID(appID, clientID string) (string, bool) {
	rest, ok := strings.CutPrefix(clientID, appID+"_")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '_')
	if i <= 0 || i == len(rest)-1 || strings.Trim(rest[i+1:], "0123456789") != "" {
		return "", false
	}
	if user := rest[:i]; user != "undefined" {
		return user, true
	}
	return "", false
}

// literal reports whether a topic level names one thing (no wildcard, not empty).
func literal(level string) bool {
	return level != "" && !strings.ContainsAny(level, "+#")
}

func parseRoomID(level string) (int64, bool) {
	id, err := strconv.ParseInt(level, 10, 64)
	return id, err == nil && id > 0
}

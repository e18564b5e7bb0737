package v2compat

import (
	"strconv"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/internal/mirror"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Callback is one v2 callback: Name without the "Callback" suffix, and
// its arguments, ready for AppendJSON. Names starting with "_" update the
// JS object's mirrored properties instead of calling back:
//
//	_state            [{isLogin, isInit, userData, user_id, …}]  partial
//	_selected         [room or null]            replaces selected
//	_selectedComment  [op, index, comment]      op: insert, set or delete
//	_selectedPatch    [{comments | participants}] merged into selected
//	_customEvent      [roomId, {sender, data}]  for subscribeEvent callbacks
type Callback struct {
	Name string
	Args []any
}

// Callbacks is what v2 calls for ev, in order (room typing calls two).
func Callbacks(ev sdk.Event) []Callback {
	one := func(name string, args ...any) []Callback { return []Callback{{Name: name, Args: args}} }
	switch e := ev.(type) {
	case sdk.LoginSucceeded:
		return one("loginSuccess", e.Results)
	case sdk.LoginFailed:
		if e.Data != nil {
			return one("loginError", e.Data)
		}
		return one("loginError", errorJSON(e.Err))
	case sdk.MessageReceived:
		return one("newMessages", []sdk.RawMessage{e.Comment.Raw})
	case sdk.CommentSending:
		return one("prePostComment", e.Text)
	case sdk.CommentSent:
		return one("commentSent", map[string]any{"comment": CommentJSON(e.Comment)})
	case sdk.CommentFailed:
		return one("commentRetryExceed", e.Comment)
	case sdk.CommentDelivered:
		return one("commentDelivered", map[string]any{"comment": CommentJSON(e.Comment), "userId": e.UserID})
	case sdk.CommentRead:
		return one("commentRead", map[string]any{"comment": CommentJSON(e.Comment), "userId": e.UserID})
	case sdk.CommentDeleted:
		return one("commentDeleted", map[string]any{"roomId": e.RoomID, "commentUniqueIds": e.UniqueIDs,
			"isForEveryone": e.ForEveryone, "isHard": e.Hard})
	case sdk.MessageUpdated:
		return one("messageUpdated", e.Comment.Raw)
	case sdk.TypingChanged:
		msg := "0"
		if e.Typing {
			msg = "1"
		}
		return one("typing", map[string]any{"message": msg, "username": e.UserID, "room_id": strconv.FormatInt(e.RoomID, 10)})
	case sdk.RoomTyping:
		rid := strconv.FormatInt(e.RoomID, 10)
		var t map[string]any
		if jsonx.Unmarshal(e.Raw, &t) != nil || t == nil {
			t = map[string]any{"status": e.Status, "sender_id": e.SenderID}
		}
		t["room_id"] = rid
		// v2 also reports room (bot) typing through typingCallback.
		return []Callback{{Name: "onRoomTyping", Args: []any{t}}, {Name: "typing", Args: []any{map[string]any{
			"message": t["text"], "username": t["sender_name"], "email": t["sender_id"], "room_id": rid}}}}
	case sdk.PresenceChanged:
		p := "0"
		if e.Online {
			p = "1"
		}
		if !e.At.IsZero() {
			p += ":" + strconv.FormatInt(e.At.UnixMilli(), 10)
		}
		return one("presence", p, e.UserID)
	case sdk.Reconnected:
		return one("onReconnect")
	case sdk.RoomChanged:
		return one("roomChanged", e.Room)
	case sdk.RoomCreated:
		return one("chatRoomCreated", map[string]any{"room": RoomJSON(e.Room)})
	case sdk.GroupRoomCreated:
		return one("groupRoomCreated", GroupJSON(e.Room))
	case sdk.RoomCleared:
		return one("roomCleared", e.Raw)
	case sdk.TokenRefreshed:
		var exp any
		if e.ExpiresAt != "" {
			exp = e.ExpiresAt
		}
		return one("authTokenRefreshed", map[string]any{"token": e.Token, "refreshToken": e.RefreshToken,
			"expiredAt": exp, "oldToken": e.OldToken})
	case sdk.FileUploaded:
		return one("fileUploaded", e.URL)
	case sdk.UserBlocked:
		return one("blockUser", e.User.Raw)
	case sdk.UserUnblocked:
		return one("unblockUser", e.User.Raw)
	}
	return nil
}

// Bind sends every callback and mirror update of c to push, in event
// order, and returns the function to use as sdk.Config.OnEvent.
func Bind(c *sdk.Client, push func(name string, args []any)) func(sdk.Event) {
	mirror.Attach(c, func(m mirror.Event) {
		for i, a := range m.Args {
			if st, ok := a.(sdk.Settings); ok {
				m.Args[i] = settingsJSON(st)
			}
		}
		push(m.Name, m.Args)
	})
	return func(ev sdk.Event) {
		for _, cb := range Callbacks(ev) {
			push(cb.Name, cb.Args)
		}
	}
}

// settingsJSON is the client's settings as v2's properties: baseURL,
// mqttURL, uploadURL, syncInterval, syncOnConnect (ms; -1 when off),
// syncOnlyWhenDisconnected, enableRealtime, enableSync, enableSyncEvent,
// enableLb, brokerLbUrl, extras, updateCommentStatusMode and
// updateCommentStatusThrottleDelay.
func settingsJSON(s sdk.Settings) map[string]any {
	ms := func(d time.Duration) int64 {
		if d < 0 {
			return -1
		}
		return d.Milliseconds()
	}
	extras := sdk.RawMessage("null")
	if len(s.Extras) > 0 {
		extras = s.Extras
	}
	return map[string]any{
		"baseURL": s.BaseURL, "mqttURL": s.MQTTURL, "uploadURL": s.UploadURL,
		"syncInterval": ms(s.SyncInterval), "syncOnConnect": ms(s.SyncOnConnect),
		"syncOnlyWhenDisconnected": s.SyncOnlyWhenDisconnected, "enableRealtime": s.Realtime,
		"enableSync": s.Sync, "enableSyncEvent": s.SyncEvent, "enableLb": s.RealtimeLB,
		"brokerLbUrl": s.BrokerLBURL, "extras": extras,
		"updateCommentStatusMode":          s.UpdateCommentStatusMode,
		"updateCommentStatusThrottleDelay": ms(s.UpdateStatusThrottle),
	}
}

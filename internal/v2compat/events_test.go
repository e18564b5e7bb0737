package v2compat

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestCallbacks: each typed event becomes v2's callback name and the
// arguments v2 apps read, as JSON.
func TestCallbacks(t *testing.T) {
	cm := &sdk.Comment{ID: 7, RoomID: 3, UniqueTempID: "u7", Email: "bob", Status: sdk.StatusRead,
		Raw: sdk.RawMessage(`{"id":7}`)}
	at := time.UnixMilli(1700000000000)
	tests := []struct {
		ev   sdk.Event
		want string // name + JSON args
	}{
		{sdk.MessageReceived{Comment: cm}, `newMessages [[{"id":7}]]`},
		{sdk.CommentSending{RoomID: 3, Text: "hi"}, `prePostComment ["hi"]`},
		{sdk.LoginSucceeded{Results: sdk.RawMessage(`{"user":{}}`)}, `loginSuccess [{"user":{}}]`},
		{sdk.LoginFailed{Err: &sdk.APIError{Status: 401, Message: "no", Path: "login_or_register"}},
			`loginError [{"message":"qiscus: login_or_register: 401 no","status":401}]`},
		{sdk.LoginFailed{Err: errors.New("x"), Data: sdk.RawMessage(`{"bad":1}`)}, `loginError [{"bad":1}]`},
		{sdk.TypingChanged{RoomID: 3, UserID: "bob", Typing: true}, `typing [{"message":"1","room_id":"3","username":"bob"}]`},
		{sdk.PresenceChanged{UserID: "bob", Online: true, At: at}, `presence ["1:1700000000000","bob"]`},
		{sdk.PresenceChanged{UserID: "bob"}, `presence ["0","bob"]`},
		{sdk.Reconnected{}, `onReconnect []`},
		{sdk.CommentDeleted{RoomID: 3, UniqueIDs: []string{"a"}, ForEveryone: true, Hard: false},
			`commentDeleted [{"commentUniqueIds":["a"],"isForEveryone":true,"isHard":false,"roomId":3}]`},
		{sdk.TokenRefreshed{Token: "t2", RefreshToken: "r", OldToken: "t1"},
			`authTokenRefreshed [{"expiredAt":null,"oldToken":"t1","refreshToken":"r","token":"t2"}]`},
		{sdk.FileUploaded{URL: "http://x/f"}, `fileUploaded ["http://x/f"]`},
		{sdk.RoomTyping{RoomID: 12, Raw: sdk.RawMessage(`{"status":"typing_on","sender_id":"bot","sender_name":"Bot","text":"hmm","room_id":"999"}`)},
			`onRoomTyping [{"room_id":"12","sender_id":"bot","sender_name":"Bot","status":"typing_on","text":"hmm"}]` +
				` typing [{"email":"bot","message":"hmm","room_id":"12","username":"Bot"}]`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T", tt.ev), func(t *testing.T) {
			var got string
			for i, cb := range Callbacks(tt.ev) {
				if i > 0 {
					got += " "
				}
				got += cb.Name + " " + string(AppendJSON(nil, append([]any{}, cb.Args...)))
			}
			if got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestCallbacksCoverEveryEvent: no event type is silently dropped.
func TestCallbacksCoverEveryEvent(t *testing.T) {
	cm := &sdk.Comment{ID: 1, RoomID: 1}
	room := &sdk.Room{ID: 1}
	for _, ev := range []sdk.Event{sdk.LoginSucceeded{}, sdk.LoginFailed{Err: errors.New("x")}, sdk.MessageReceived{Comment: cm},
		sdk.CommentSending{}, sdk.CommentSent{Comment: cm}, sdk.CommentFailed{Comment: cm}, sdk.CommentDelivered{Comment: cm},
		sdk.CommentRead{Comment: cm}, sdk.CommentDeleted{}, sdk.MessageUpdated{Comment: cm}, sdk.TypingChanged{}, sdk.RoomTyping{},
		sdk.PresenceChanged{}, sdk.Reconnected{}, sdk.RoomChanged{Room: room}, sdk.RoomCreated{Room: room},
		sdk.GroupRoomCreated{Room: room}, sdk.RoomCleared{}, sdk.TokenRefreshed{}, sdk.FileUploaded{}, sdk.UserBlocked{},
		sdk.UserUnblocked{}} {
		if len(Callbacks(ev)) == 0 {
			t.Errorf("%T has no v2 callback", ev)
		}
	}
}

// TestSettingsJSON: init's _state carries sdk.Settings as v2's properties:
// durations in ms (-1 when off), the negated switches, extras null when none.
func TestSettingsJSON(t *testing.T) {
	got := settingsJSON(sdk.Settings{SyncInterval: 5 * time.Second, SyncOnConnect: -1, Realtime: true, Sync: false,
		UpdateStatusThrottle: 300 * time.Millisecond, BrokerLBURL: "https://lb"})
	want := map[string]any{"syncInterval": int64(5000), "syncOnConnect": int64(-1), "enableRealtime": true,
		"enableSync": false, "updateCommentStatusThrottleDelay": int64(300), "brokerLbUrl": "https://lb"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if string(got["extras"].(sdk.RawMessage)) != "null" {
		t.Errorf("extras = %s, want null", got["extras"])
	}
}

package server

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The SDK API and the server API are two doors into one chat: what one of
// them changes, the other must see the same way.

// TestDeviceTokensSharedByBothAPIs: a push token registered through either API
// shows in pn_*_configured of both.
func TestDeviceTokensSharedByBothAPIs(t *testing.T) {
	e := newEnv(t)
	alice := e.restLogin("alice", "Alice")
	r := e.restForm("login_or_register", url.Values{"email": {"alice"}, "password": {alice.Password},
		"device_token": {"TA"}, "device_platform": {"android"}})
	mustStatus(t, r, 200)
	checkFields(t, e.get("my_profile", alice), []fieldWant{
		{"results.user.pn_android_configured", true}, {"results.user.pn_ios_configured", false},
	})
	mustStatus(t, e.form("set_user_device_token", alice, "device_token=TI&device_platform=ios"), 200)
	checkFields(t, e.restGet("user_profile", url.Values{"user_email": {"alice"}}), []fieldWant{
		{"results.user.pn_android_configured", true}, {"results.user.pn_ios_configured", true},
	})
	// Removing through the SDK API removes what the server API registered.
	mustStatus(t, e.form("remove_user_device_token", alice, "device_token=TA"), 200)
	checkFields(t, e.restGet("user_profile", url.Values{"user_email": {"alice"}}), []fieldWant{
		{"results.user.pn_android_configured", false}, {"results.user.pn_ios_configured", true},
	})
}

// TestRESTParticipantChangesRecordRemovals: the server API's
// remove_room_participants records the removal (show_removed lists the room
// as removed) and add_room_participants clears it, as the SDK API does.
func TestRESTParticipantChangesRecordRemovals(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	g := e.restGroup("G", alice, bob)
	removedRooms := func() []string {
		r := e.get("user_rooms?show_removed=true&show_empty=true", bob)
		mustStatus(t, r, 200)
		var out []string
		for _, it := range r.list("results.rooms_info") {
			m := it.(map[string]any)
			out = append(out, fmt.Sprint(m["id"], ":", m["is_removed"]))
		}
		return out
	}
	mustStatus(t, e.restForm("remove_room_participants", url.Values{"room_id": {fmt.Sprint(g)}, "emails[]": {"bob"}}), 200)
	if got, want := removedRooms(), []string{fmt.Sprint(g, ":true")}; !slices.Equal(got, want) {
		t.Fatalf("after the server API removed bob: rooms %v, want %v", got, want)
	}
	mustStatus(t, e.restForm("add_room_participants", url.Values{"room_id": {fmt.Sprint(g)}, "emails[]": {"bob"}}), 200)
	if got, want := removedRooms(), []string{fmt.Sprint(g, ":false")}; !slices.Equal(got, want) {
		t.Fatalf("after the server API added bob back: rooms %v, want %v", got, want)
	}
}

// TestDeviceTokensMigratedFromOldSchema opens a database written by the
// devserver before the two device-token tables became one
// (testdata/old-schema.sql is its sqlite3 .dump): rest-android and rest-ios
// registered through the server API, both through both APIs.
func TestDeviceTokensMigratedFromOldSchema(t *testing.T) {
	dump, err := os.ReadFile(filepath.Join("testdata", "old-schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(dump)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.DBPath = path; c.Secret = "s3" })
	for _, tt := range []struct {
		id           string
		android, ios bool
	}{{"rest-android", true, false}, {"rest-ios", false, true}, {"both", true, true}} {
		r := e.do("GET", "/api/v2/rest/user_profile?user_email="+tt.id, map[string]string{"QISCUS_SDK_SECRET": "s3"}, "", "")
		checkFields(t, r, []fieldWant{
			{"results.user.pn_android_configured", tt.android}, {"results.user.pn_ios_configured", tt.ios},
		})
	}
	if n := e.count("device_tokens", ""); n != 4 {
		t.Errorf("device_tokens holds %d rows, want 4 (TA, TI, TB, TBI)", n)
	}
	var n int
	if err := e.s.store.DB.QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM sqlite_master WHERE name = 'restapi_device_tokens'").Scan(&n); err != nil || n != 0 {
		t.Errorf("restapi_device_tokens still exists (%d, %v)", n, err)
	}
}

//go:build !js

package integration_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// TestUpload: Upload sends the bytes (served back unchanged), reports
// growing progress up to the total, and with a RoomID sends v2's file
// message; FileUploaded follows.
func TestUpload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	alice, aev := e.login(t, "alice", nil)
	e.login(t, "bob", nil)
	room := chatWith(t, alice, "bob")
	content := strings.Repeat("qiscus ", 50000)
	var sent []int64
	var total int64
	up, err := alice.Upload(ctx, `notes "1".txt`, strings.NewReader(content), sdk.UploadOptions{
		ContentType: "text/plain", RoomID: room.ID,
		Progress: func(s, n int64) { sent = append(sent, s); total = n },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) == 0 || sent[len(sent)-1] != total || total < int64(len(content)) {
		t.Fatalf("progress %v of %d, want growing to the total", sent, total)
	}
	for i := 1; i < len(sent); i++ {
		if sent[i] < sent[i-1] {
			t.Fatalf("progress went back: %v", sent)
		}
	}
	if up.Comment == nil || up.Comment.Message != "[file] "+up.URL+" [/file]" || up.Comment.RoomID != room.ID {
		t.Fatalf("file message = %+v", up.Comment)
	}
	resp, err := http.Get(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != content {
		t.Fatalf("served back %d bytes, want the %d uploaded", len(b), len(content))
	}
	if ups := eventsOf[sdk.FileUploaded](aev); len(ups) != 1 || ups[0].URL != up.URL {
		t.Fatalf("FileUploaded events = %v", ups)
	}
	if _, err := alice.Upload(ctx, "", strings.NewReader("x"), sdk.UploadOptions{}); err == nil {
		t.Fatal("a file without a name was accepted")
	}
}

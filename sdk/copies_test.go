package sdk

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

// TestSelectedIsACopy: the room Selected returns is the caller's, while
// the Client goes on inserting comments and applying receipts to its own
// (run with -race: a live pointer is a data race here).
func TestSelectedIsACopy(t *testing.T) {
	c, _ := testClient(t)
	c.selected = &Room{ID: 1, ChatType: "group", Participants: []Participant{{Email: "alice"}, {Email: "bob"}}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for id := int64(1); id <= 200; id++ {
			c.deliver(comment(id, "u"), false)
			c.handleRoomSignal(1, "1", "bob", "r", []byte("1:u"))
		}
	}()
	for i := 0; i < 200; i++ {
		if sel := c.Selected(); sel != nil {
			for _, cm := range sel.Comments {
				_ = cm.Status
			}
			_ = len(sel.Participants)
		}
	}
	wg.Wait()
	sel := c.Selected()
	sel.Comments[0].Status = "mine"
	sel.Comments = nil
	if again := c.Selected(); len(again.Comments) != 200 || again.Comments[0].Status == "mine" {
		t.Fatalf("a change to the copy reached the client: %d comments, first %q", len(again.Comments), again.Comments[0].Status)
	}
}

// TestErrorsUseGoNames: errors name the Go method, not the JS one, and
// keep their sentinels.
func TestErrorsUseGoNames(t *testing.T) {
	c := NewClient()
	c.cfg = Config{AppID: "dev"}.withDefaults()
	c.inited = true
	t.Cleanup(func() { c.Close() })
	_, err := c.SendComment(t.Context(), 1, "hi", SendOptions{})
	if !errors.Is(err, ErrNotLoggedIn) || strings.Contains(err.Error(), "setUser") || !strings.Contains(err.Error(), "SendComment") {
		t.Fatalf("not logged in: %v", err)
	}
	c.user = &User{Email: "alice"}
	_, err = c.GetRoomByID(t.Context(), 0)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "GetRoomByID") {
		t.Fatalf("bad id: %v", err)
	}
}

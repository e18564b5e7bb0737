package sdkapi

import (
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

const (
	// syncEventPage is the most events one sync_event call returns.
	syncEventPage = 100
	// syncEventRecent is how far back start_event_id=0 looks: the v2 client
	// always starts from 0 (docs/PROTOCOL.md#sync), so only fresh events are replayed.
	syncEventRecent = 5 * time.Minute
)

type syncEventJSON struct {
	Events              []wire.Event `json:"events"`
	IsStartEventIDFound bool         `json:"is_start_event_id_found"`
}

// handleSyncEvent is GET sync_event?start_event_id: the caller's events
// (deletes, clears, delivered and read receipts of their rooms) after that
// id, oldest first, at most 100. start_event_id 0 returns only the last few
// minutes. The body has no results wrapper.
func (s *API) handleSyncEvent(c *httpapi.Call) (any, error) {
	start, _, err := c.P.Int64("start_event_id")
	if err != nil {
		return nil, err
	}
	var since int64
	found := false
	if start <= 0 {
		start, since = 0, c.Now.Add(-syncEventRecent).UnixNano()
	} else if found, err = s.reads.HasEvent(c.Ctx, c.User.PK, start); err != nil {
		return nil, err
	}
	es, err := s.reads.EventsSince(c.Ctx, c.User.PK, start, since, syncEventPage)
	if err != nil {
		return nil, err
	}
	out := syncEventJSON{Events: make([]wire.Event, len(es)), IsStartEventIDFound: found}
	for i := range es {
		out.Events[i] = wire.EventOf(&es[i])
	}
	return httpapi.Raw{V: out}, nil
}

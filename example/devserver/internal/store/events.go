package store

import (
	"context"
	"fmt"
)

// Event is a row of the events table.
type Event struct {
	ID          int64
	ActionTopic string
	Payload     []byte
	CreatedAt   int64
}

// eventsVisible is a WHERE fragment for the events userPK sees: their own and
// those of rooms they are in. It takes the user twice.
const eventsVisible = `(user_id = ? OR room_id IN (SELECT room_id FROM participants WHERE user_id = ?))`

// EventsSince returns the user's events after afterID and not before since
// (unix ns), oldest first.
func (st *Store) EventsSince(ctx context.Context, userPK, afterID, since int64, limit int) ([]Event, error) {
	rows, err := st.DB.QueryContext(ctx, `SELECT id, action_topic, payload, created_at FROM events
		WHERE id > ? AND created_at >= ? AND `+eventsVisible+` ORDER BY id LIMIT ?`,
		afterID, since, userPK, userPK, limit)
	return scanAll(rows, err, fmt.Sprint("events of user ", userPK), func(r scanner) (Event, error) {
		var e Event
		var payload string
		err := r.Scan(&e.ID, &e.ActionTopic, &payload, &e.CreatedAt)
		e.Payload = []byte(payload)
		return e, err
	})
}

func (st *Store) HasEvent(ctx context.Context, userPK, id int64) (bool, error) {
	var n int
	err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM events WHERE id = ? AND "+eventsVisible,
		id, userPK, userPK).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("event %d: %w", id, err)
	}
	return n > 0, nil
}

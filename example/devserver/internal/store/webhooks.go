package store

import (
	"context"
	"fmt"
	"time"
)

// WebhookAttempt is one POST of a webhook delivery.
type WebhookAttempt struct {
	DeliveryID, EventType string // one event; its attempts share DeliveryID
	CommentID             int64
	URL                   string
	Attempt               int // 1-based
	StatusCode            int // 0 when no HTTP response
	Error                 string
	Success               bool
	Took                  time.Duration
	At                    time.Time
}

// RecordWebhookAttempt logs an attempt in webhook_deliveries.
func (st *Store) RecordWebhookAttempt(ctx context.Context, a WebhookAttempt) error {
	_, err := st.DB.ExecContext(ctx, `INSERT INTO webhook_deliveries
		(delivery_id, event_type, comment_id, url, attempt, status_code, error, success, duration_ms, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.DeliveryID, a.EventType, a.CommentID, a.URL, a.Attempt, a.StatusCode, a.Error, a.Success,
		a.Took.Milliseconds(), a.At.UnixNano())
	if err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return nil
}

package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// The event types of a new comment's webhook: posted through the SDK API,
// or through the server API (system events included).
const (
	Mobile = "post_comment_mobile"
	REST   = "post_comment_rest"
)

const (
	webhookQueueSize      = 1024
	webhookWorkers        = 4
	webhookTimeout        = 10 * time.Second // per attempt
	webhookMaxBackoff     = time.Minute
	defaultWebhookTries   = 5
	defaultWebhookBackoff = time.Second
)

type Queue struct {
	ctx         context.Context // the server's: deliveries stop when it is done
	log         *slog.Logger
	rec         Recorder
	url         string
	client      *http.Client
	queue       chan webhookJob
	maxAttempts int
	backoff     time.Duration
	wg          sync.WaitGroup
}

type webhookJob struct {
	id        string // delivery id, shared by the attempts
	eventType string
	commentID int64
	body      []byte
}

// Recorder records every delivery attempt (the store).
type Recorder interface {
	RecordWebhookAttempt(ctx context.Context, a store.WebhookAttempt) error
}

// Config configures the deliveries.
type Config struct {
	URL         string        // where every new comment is POSTed ("" = no webhooks)
	MaxAttempts int           // 0 = 5
	Backoff     time.Duration // delay before the first retry, doubling; 0 = 1s
	Log         *slog.Logger
}

// Start starts the workers, which run until ctx is done; nil when
// cfg.URL is "" (notify and close do nothing then).
func Start(ctx context.Context, cfg Config, rec Recorder) *Queue {
	if cfg.URL == "" {
		return nil
	}
	w := &Queue{
		ctx: ctx, log: cfg.Log, rec: rec, url: cfg.URL,
		client:      &http.Client{Timeout: webhookTimeout},
		queue:       make(chan webhookJob, webhookQueueSize),
		maxAttempts: cfg.MaxAttempts,
		backoff:     cfg.Backoff,
	}
	if w.maxAttempts <= 0 {
		w.maxAttempts = defaultWebhookTries
	}
	if w.backoff <= 0 {
		w.backoff = defaultWebhookBackoff
	}
	for range webhookWorkers {
		w.wg.Add(1)
		go w.work()
	}
	return w
}

// close stops the workers once the server's context is done; deliveries still
// queued or waiting for a retry are abandoned (and logged).
func (w *Queue) Close() {
	if w != nil {
		w.wg.Wait()
	}
}

func (w *Queue) work() {
	defer w.wg.Done()
	for {
		select {
		case <-w.ctx.Done():
			for {
				select {
				case j := <-w.queue:
					w.log.Warn("webhook abandoned at shutdown", "delivery", j.id, "type", j.eventType, "comment", j.commentID)
				default:
					return
				}
			}
		case j := <-w.queue:
			w.deliver(j)
		}
	}
}

// deliver makes up to maxAttempts attempts, sleeping between them.
func (w *Queue) deliver(j webhookJob) {
	delay := w.backoff
	for attempt := 1; attempt <= w.maxAttempts; attempt++ {
		if w.attempt(j, attempt) {
			return
		}
		if attempt == w.maxAttempts {
			w.log.Error("webhook gave up", "delivery", j.id, "type", j.eventType, "comment", j.commentID,
				"attempts", attempt)
			return
		}
		t := time.NewTimer(delay)
		select {
		case <-w.ctx.Done():
			t.Stop()
			w.log.Warn("webhook retry abandoned at shutdown", "delivery", j.id, "comment", j.commentID)
			return
		case <-t.C:
		}
		delay = min(2*delay, webhookMaxBackoff)
	}
}

// attempt POSTs once, logs and records the outcome, and reports success.
func (w *Queue) attempt(j webhookJob, n int) bool {
	start := time.Now()
	code, err := w.post(j, n)
	ok := err == nil && code >= 200 && code < 300
	errText := ""
	switch {
	case err != nil:
		errText = err.Error()
	case !ok:
		errText = fmt.Sprintf("HTTP %d", code)
	}
	took := time.Since(start)
	if ok {
		w.log.Info("webhook delivered", "delivery", j.id, "type", j.eventType, "comment", j.commentID,
			"attempt", n, "status", code, "took", took)
	} else {
		w.log.Warn("webhook attempt failed", "delivery", j.id, "type", j.eventType, "comment", j.commentID,
			"attempt", n, "of", w.maxAttempts, "status", code, "err", errText, "took", took)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(w.ctx), 5*time.Second)
	defer cancel()
	if err := w.rec.RecordWebhookAttempt(ctx, store.WebhookAttempt{
		DeliveryID: j.id, EventType: j.eventType, CommentID: j.commentID, URL: w.url, Attempt: n,
		StatusCode: code, Error: errText, Success: ok, Took: took, At: start,
	}); err != nil {
		w.log.Error("record webhook attempt", "delivery", j.id, "err", err)
	}
	return ok
}

func (w *Queue) post(j webhookJob, n int) (int, error) {
	ctx, cancel := context.WithTimeout(w.ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(j.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "qiscus-devserver-webhook")
	req.Header.Set("X-Qiscus-Webhook-Delivery", j.id)
	req.Header.Set("X-Qiscus-Webhook-Attempt", fmt.Sprint(n))
	res, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}

// queueWebhook queues the webhook of a new comment; it never blocks.
func (w *Queue) Notify(eventType string, c *store.Comment, d *store.RoomDetail) {
	if w == nil {
		return
	}
	body, err := json.Marshal(webhookBody(eventType, c, d))
	if err != nil {
		w.log.Error("encode webhook", "comment", c.ID, "err", err)
		return
	}
	j := webhookJob{id: store.NewUUID(), eventType: eventType, commentID: c.ID, body: body}
	select {
	case w.queue <- j:
	default:
		w.log.Error("webhook queue full, event dropped", "type", eventType, "comment", c.ID,
			"queue", webhookQueueSize)
	}
}

// The documented payload. Fields beyond the docs' example: from.avatar_url,
// room.unique_id, message.id, message.unique_temp_id, message.extras and
// message.timestamp.
type webhookJSON struct {
	Type    string             `json:"type"`
	Payload webhookPayloadJSON `json:"payload"`
}

type webhookPayloadJSON struct {
	From    webhookFromJSON    `json:"from"`
	Room    webhookRoomJSON    `json:"room"`
	Message webhookMessageJSON `json:"message"`
}

type webhookFromJSON struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

type webhookParticipantJSON struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Username  string `json:"username"`
	AvatarURL string `json:"avatar_url"`
}

type webhookRoomJSON struct {
	ID           int64                    `json:"id"`
	TopicID      int64                    `json:"topic_id"`
	Type         string                   `json:"type"`
	Name         string                   `json:"name"`
	UniqueID     string                   `json:"unique_id"`
	Participants []webhookParticipantJSON `json:"participants"`
}

type webhookMessageJSON struct {
	ID           int64           `json:"id"`
	Type         string          `json:"type"`
	Text         string          `json:"text"`
	Payload      json.RawMessage `json:"payload"`
	Extras       json.RawMessage `json:"extras"`
	UniqueTempID string          `json:"unique_temp_id"`
	Timestamp    string          `json:"timestamp"`
}

func webhookBody(eventType string, c *store.Comment, d *store.RoomDetail) webhookJSON {
	room := webhookRoomJSON{
		ID: d.ID, TopicID: d.ID, Type: wire.ChatType(d.ChatType), Name: wire.RoomName(d), UniqueID: d.UniqueID,
		Participants: make([]webhookParticipantJSON, len(d.Participants)),
	}
	for i := range d.Participants {
		p := &d.Participants[i]
		room.Participants[i] = webhookParticipantJSON{ID: p.PK, Email: p.ID, Username: p.Username, AvatarURL: p.AvatarURL}
	}
	return webhookJSON{Type: eventType, Payload: webhookPayloadJSON{
		From: webhookFromJSON{ID: c.Sender.PK, Email: c.Sender.ID, Name: c.Sender.Username, AvatarURL: c.Sender.AvatarURL},
		Room: room,
		Message: webhookMessageJSON{
			ID: c.ID, Type: c.Type, Text: c.Message, Payload: wire.Object(c.Payload), Extras: wire.Object(c.Extras),
			UniqueTempID: c.UniqueTempID, Timestamp: wire.RFC3339(c.CreatedAt),
		},
	}}
}

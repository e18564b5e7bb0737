// Package webhook delivers the webhook of every new comment: a JSON POST to
// the configured URL, typed post_comment_mobile (posted through the SDK API)
// or post_comment_rest (posted through the server API, system events
// included).
//
// Deliveries go through a bounded queue to a few workers, so a slow or dead
// receiver never holds up a post or its realtime fan-out: when the queue is
// full the event is dropped (and logged). A delivery that fails (no
// response, or a status other than 2xx) is retried after Config.Backoff,
// doubling each time, up to Config.MaxAttempts attempts. Every attempt is
// logged and recorded through the Recorder (the webhook_deliveries table).
package webhook

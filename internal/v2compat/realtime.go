package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// PublishTyping is publishTyping(1 | 0) in the selected room.
func PublishTyping(ctx context.Context, s *Session, a Args) ([]byte, error) {
	if !a.present(0) {
		return nil, a.bad("value", "is required (1 or 0)")
	}
	return none(s.Client.PublishTypingSelected(ctx, a.boolish(0)))
}

// PublishEvent is publishEvent(roomId, payload).
func PublishEvent(ctx context.Context, s *Session, a Args) ([]byte, error) {
	room, err := a.str(0, "roomId", true)
	if err != nil {
		return nil, err
	}
	if !a.present(1) {
		return nil, a.bad("payload", "is required")
	}
	data, err := a.object(1, "payload")
	if err != nil {
		return nil, err
	}
	return none(s.Client.PublishEvent(ctx, room, data))
}

// SubscribeEvent is subscribeEvent(roomId, callback): the shim keeps the
// callback and calls it on each _customEvent for the room.
func SubscribeEvent(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withArg(a.str, "roomId", func(room string) ([]byte, error) {
		return none(s.Client.SubscribeEvent(ctx, room, func(ev sdk.RawMessage) {
			s.Push("_customEvent", []any{room, ev})
		}))
	})
}

// UnsubscribeEvent is unsubscribeEvent(roomId).
func UnsubscribeEvent(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withString(ctx, a, "roomId", s.Client.UnsubscribeEvent)
}

// SubscribeUserPresence is subscribeUserPresence(userId).
func SubscribeUserPresence(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withString(ctx, a, "userId", s.Client.SubscribeUserPresence)
}

// UnsubscribeUserPresence is unsubscribeUserPresence(userId).
func UnsubscribeUserPresence(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return withString(ctx, a, "userId", s.Client.UnsubscribeUserPresence)
}

func withString(ctx context.Context, a Args, name string, call func(context.Context, string) error) ([]byte, error) {
	return withArg(a.str, name, func(v string) ([]byte, error) { return none(call(ctx, v)) })
}

// PublishOnlinePresence is publishOnlinePresence(online).
func PublishOnlinePresence(ctx context.Context, s *Session, a Args) ([]byte, error) {
	if !a.present(0) {
		return nil, a.bad("online", "is required (true or false)")
	}
	return none(s.Client.PublishOnlinePresence(ctx, a.boolish(0)))
}

// Synchronize is synchronize().
func Synchronize(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return none(s.Client.Sync(ctx))
}

// SynchronizeEvent is synchronizeEvent().
func SynchronizeEvent(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return none(s.Client.SyncEvents(ctx))
}

// StartSync is startSync(): periodic /sync and /sync_event resume.
func StartSync(ctx context.Context, s *Session, a Args) ([]byte, error) {
	s.Client.StartSync()
	return nil, nil
}

// StopSync is stopSync(): periodic polling stops; gap syncs still run.
func StopSync(ctx context.Context, s *Session, a Args) ([]byte, error) {
	s.Client.StopSync()
	return nil, nil
}

// CloseRealtimeConnection is closeRealtimeConnection(): MQTT stays down
// until OpenRealtimeConnection.
func CloseRealtimeConnection(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return none(s.Client.CloseRealtimeConnection())
}

// OpenRealtimeConnection is openRealtimeConnection().
func OpenRealtimeConnection(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return none(s.Client.OpenRealtimeConnection())
}

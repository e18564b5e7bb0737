package server

import (
	"slices"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// fanOut publishes a new comment: to the channel topic for public channels,
// otherwise to each participant's {token}/c (except those in skip), rendered
// for that participant. A rendering depends on the viewer only through the
// room's name and avatar as they see it (nameFor, avatarFor), so it is
// encoded once per distinct name and avatar: once for a group, and the same
// bytes go to every participant who sees the same.
func (s *Server) fanOut(c *store.Comment, d *store.RoomDetail, skip []int64) {
	if d.IsPublicChannel {
		s.broker.publishJSON(channelTopic(s.cfg.AppID, d.UniqueID), wire.CommentFor(c, d, 0))
		return
	}
	type view struct{ name, avatar string }
	var views []view
	var payloads [][]byte
	for i := range d.Participants {
		p := &d.Participants[i]
		if slices.Contains(skip, p.PK) {
			continue
		}
		v := view{d.NameFor(p.PK), d.AvatarFor(p.PK)}
		k := slices.Index(views, v)
		if k < 0 {
			payload, err := json.Marshal(wire.CommentFor(c, d, p.PK))
			if err != nil {
				s.log.Error("mqtt publish: encode", "comment", c.ID, "err", err)
				return
			}
			k, views, payloads = len(views), append(views, v), append(payloads, payload)
		}
		s.broker.publish(tokenTopic(p.Token, "c"), payloads[k])
	}
}

// toParticipants publishes render(p) to {token}/kind of each participant not in skip.
func (s *Server) toParticipants(d *store.RoomDetail, kind string, skip []int64, render func(*store.Participant) any) {
	for i := range d.Participants {
		p := &d.Participants[i]
		if !slices.Contains(skip, p.PK) {
			s.broker.publishJSON(tokenTopic(p.Token, kind), render(p))
		}
	}
}

// publishEdit sends an edited comment to each participant of d but those in
// skip, on {token}/update, rendered for them.
func (s *Server) publishEdit(c *store.Comment, d *store.RoomDetail, skip []int64) {
	s.toParticipants(d, "update", skip, func(p *store.Participant) any { return wire.CommentFor(c, d, p.PK) })
}

// publishRoomEvent sends a sync event to each participant of d on {token}/n.
func (s *Server) publishRoomEvent(d *store.RoomDetail, e *store.Event) {
	ev := wire.EventOf(e)
	s.toParticipants(d, "n", nil, func(*store.Participant) any { return ev })
}

// publishUserEvent sends a sync event to the user's sessions on {token}/n.
func (s *Server) publishUserEvent(u *store.User, e *store.Event) {
	s.broker.publishJSON(tokenTopic(u.Token, "n"), wire.EventOf(e))
}

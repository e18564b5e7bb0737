package server

import (
	"slices"

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
		s.broker.publishJSON(channelTopic(s.cfg.AppID, d.UniqueID), commentJSONFor(c, d, 0))
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
			payload, err := json.Marshal(commentJSONFor(c, d, p.PK))
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

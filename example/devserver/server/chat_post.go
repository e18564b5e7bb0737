package server

import (
	"context"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"slices"
	"time"

	json "github.com/goccy/go-json"
)

// postOptions say who posts and what follows a new comment.
type postOptions struct {
	webhook string // the webhook event type (webhookMobile, webhookREST)
	// asServer marks a post of the server API: the handler has decided who
	// may send (a public channel's non-member, the System user), and user
	// blocks do not apply.
	asServer bool
	// noRealtime posts into history only: nothing is published; clients
	// find the comment through load_comments and sync (QuickBlox's
	// send_to_chat=0). The webhook still fires.
	noRealtime bool
}

// postComment is the one way a comment is posted, whoever posts it (the SDK
// API, the server API, its system events, Server.PostComment): it is stored
// through the comment writer, published to every participant's {token}/c (or
// the channel topic) in commit order, and its webhook is queued. A retry with
// the same unique_temp_id returns the stored comment and publishes nothing.
// In a single room, a recipient who blocked the sender gets no fan-out and
// never sees the comment; the sender is not told. It returns the room as
// the rendering of the comment needs it.
func (s *Server) postComment(ctx context.Context, u *store.User, in store.NewComment, opt postOptions) (store.Comment, *store.RoomDetail, error) {
	if err := checkMessage(in.Message, in.Type); err != nil {
		return store.Comment{}, nil, err
	}
	d, err := s.store.PostRoom(ctx, in.RoomID) // cached, without cursors: store_cache.go
	if err != nil {
		return store.Comment{}, nil, err
	}
	if !opt.asServer && d.Participant(u.PK) == nil {
		return store.Comment{}, nil, fmt.Errorf("%w (room %d)", ErrNotParticipant, in.RoomID)
	}
	if in.UniqueTempID == "" {
		in.UniqueTempID = store.NewUniqueTempID()
	}
	in.SenderPK = u.PK
	if d.ChatType == "single" && !opt.asServer {
		others := []int64{}
		for _, p := range d.Participants {
			if p.PK != u.PK {
				others = append(others, p.PK)
			}
		}
		if in.HiddenFor, err = s.store.BlockersAmong(ctx, u.PK, others); err != nil {
			return store.Comment{}, nil, err
		}
	}
	if s.beforeCommentInsert != nil {
		s.beforeCommentInsert()
	}
	// The fan-out runs in commit order, before insertComment returns. It reads
	// the room again there: d was read before the commit, and a participant's
	// token (part of the topic) may have been rotated since. Their client
	// fetches with /sync once it has the new token, which only finds comments
	// committed by then; a comment committed later must go to the new topic.
	fanOut := func(c *store.Comment) { s.fanOut(c, s.fanOutRoom(d), in.HiddenFor) }
	if opt.noRealtime {
		fanOut = nil
	}
	cm, created, err := s.store.InsertComment(ctx, in, fanOut)
	if err != nil {
		return store.Comment{}, nil, err
	}
	if !created {
		// A retry answers with the stored comment, whose status depends on
		// the cursors postRoom leaves out.
		if d, err = s.store.RoomDetail(ctx, in.RoomID); err != nil {
			return store.Comment{}, nil, err
		}
		return cm, d, nil
	}
	s.queueWebhook(opt.webhook, &cm, d)
	return cm, d, nil
}

// fanOutRoom is the room as it is now (after the new comment's commit), for
// its participants' current tokens; d if it cannot be read.
func (s *Server) fanOutRoom(d *store.RoomDetail) *store.RoomDetail {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	now, err := s.store.PostRoom(ctx, d.ID)
	if err != nil {
		s.log.Warn("fan-out: re-read room; using the one read before the commit", "room", d.ID, "err", err)
		return d
	}
	return now
}

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

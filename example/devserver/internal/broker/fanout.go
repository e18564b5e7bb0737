package broker

import (
	"slices"
	"strconv"

	json "github.com/goccy/go-json"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// fanOut publishes a new comment: to the channel topic for public channels,
// otherwise to each participant's {token}/c (except those in skip), rendered
// for that participant. A rendering depends on the viewer only through the
// room's name and avatar as they see it (nameFor, avatarFor), so it is
// encoded once per distinct name and avatar: once for a group, and the same
// bytes go to every participant who sees the same.
func (b *Broker) Comment(c *store.Comment, d *store.RoomDetail, skip []int64) {
	if d.IsPublicChannel {
		b.publishJSON(channelTopic(b.appID, d.UniqueID), wire.CommentFor(c, d, 0))
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
				b.log.Error("mqtt publish: encode", "comment", c.ID, "err", err)
				return
			}
			k, views, payloads = len(views), append(views, v), append(payloads, payload)
		}
		b.publish(tokenTopic(p.Token, "c"), payloads[k])
	}
}

// toParticipants publishes render(p) to {token}/kind of each participant not in skip.
func (b *Broker) toParticipants(d *store.RoomDetail, kind string, skip []int64, render func(*store.Participant) any) {
	for i := range d.Participants {
		p := &d.Participants[i]
		if !slices.Contains(skip, p.PK) {
			b.publishJSON(tokenTopic(p.Token, kind), render(p))
		}
	}
}

// publishEdit sends an edited comment to each participant of d but those in
// skip, on {token}/update, rendered for them.
func (b *Broker) Edit(c *store.Comment, d *store.RoomDetail, skip []int64) {
	b.toParticipants(d, "update", skip, func(p *store.Participant) any { return wire.CommentFor(c, d, p.PK) })
}

// publishRoomEvent sends a sync event to each participant of d on {token}/n.
func (b *Broker) RoomEvent(d *store.RoomDetail, e *store.Event) {
	ev := wire.EventOf(e)
	b.toParticipants(d, "n", nil, func(*store.Participant) any { return ev })
}

// publishUserEvent sends a sync event to the user's sessions on {token}/n.
func (b *Broker) UserEvent(u *store.User, e *store.Event) {
	b.publishJSON(tokenTopic(u.Token, "n"), wire.EventOf(e))
}

// publishReceipt is the realtime side of a moved cursor: "{id}:{uniqueId}" on
// r/{room}/{room}/{user}/{kind}.
func (b *Broker) Receipt(roomID int64, u *store.User, kind string, c *store.Comment) {
	b.publish(receiptTopic(roomID, u.ID, kind), []byte(strconv.FormatInt(c.ID, 10)+":"+c.UniqueTempID))
}

// disconnectUser closes every MQTT connection identified as the user (by
// credentials, client id or a subscribed {token}/… topic) and returns how many.
// MQTT 5 clients get a DISCONNECT "not authorized" first; 3.1.1 has no server
// DISCONNECT, so those connections are just closed.
func (b *Broker) DisconnectUser(userPK int64) int {
	var victims []*mqtt.Client
	b.hooks.sessions.Range(func(k, v any) bool {
		if _, pk := v.(*session).identity(); pk == userPK {
			victims = append(victims, k.(*mqtt.Client))
		}
		return true
	})
	for _, cl := range victims {
		if cl.Properties.ProtocolVersion >= 5 {
			_ = b.mq.DisconnectClient(cl, packets.ErrNotAuthorized)
		} else {
			cl.Stop(packets.ErrNotAuthorized)
		}
	}
	return len(victims)
}

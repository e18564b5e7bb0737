package server

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"time"
)

// room is a row of the rooms table.
type room struct {
	ID              int64
	UniqueID        string
	Name            string
	AvatarURL       string
	Options         string // the app's raw JSON string
	ChatType        string // single, group or channel
	IsPublicChannel bool
}

// participant is a room member with their cursors.
type participant struct {
	user
	LastReadID     int64
	LastReceivedID int64
}

// roomDetail is a room with its participants: enough to render the room and its
// comments for any viewer.
type roomDetail struct {
	room
	participants []participant
}

const roomColumns = "id, unique_id, name, avatar_url, options, chat_type, is_public_channel"

func scanRoom(row scanner) (room, error) {
	var r room
	err := row.Scan(&r.ID, &r.UniqueID, &r.Name, &r.AvatarURL, &r.Options, &r.ChatType, &r.IsPublicChannel)
	return r, err
}

func (st *store) roomByID(ctx context.Context, id int64) (room, error) {
	r, err := scanRoom(st.db.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE id = ?", id))
	if err != nil {
		return room{}, notFound(err, ErrRoomNotFound, fmt.Sprintf("id %d", id))
	}
	return r, nil
}

func (st *store) roomByUniqueID(ctx context.Context, uniqueID string) (room, error) {
	r, err := scanRoom(st.db.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE unique_id = ?", uniqueID))
	if err != nil {
		return room{}, notFound(err, ErrRoomNotFound, fmt.Sprintf("unique id %q", uniqueID))
	}
	return r, nil
}

func (st *store) participants(ctx context.Context, roomID int64) ([]participant, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT u.id, u.email, u.password, u.username, u.avatar_url,
		u.extras, u.token, u.refresh_token, u.token_expires_at,
		p.last_comment_read_id, p.last_comment_received_id
		FROM participants p JOIN users u ON u.id = p.user_id WHERE p.room_id = ? ORDER BY u.id`, roomID)
	if err != nil {
		return nil, fmt.Errorf("participants of room %d: %w", roomID, err)
	}
	defer rows.Close()
	var out []participant
	for rows.Next() {
		var p participant
		var extras string
		if err := rows.Scan(&p.PK, &p.ID, &p.passwordHash, &p.Username, &p.AvatarURL, &extras,
			&p.Token, &p.RefreshToken, &p.TokenExpiresAt, &p.LastReadID, &p.LastReceivedID); err != nil {
			return nil, fmt.Errorf("participants of room %d: %w", roomID, err)
		}
		p.Extras = []byte(extras)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (st *store) roomDetail(ctx context.Context, id int64) (*roomDetail, error) {
	r, err := st.roomByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ps, err := st.participants(ctx, id)
	if err != nil {
		return nil, err
	}
	return &roomDetail{room: r, participants: ps}, nil
}

func (st *store) isParticipant(ctx context.Context, roomID, userPK int64) (bool, error) {
	var n int
	err := st.db.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM participants WHERE room_id = ? AND user_id = ?", roomID, userPK).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("participant check room %d: %w", roomID, err)
	}
	return n > 0, nil
}

// singleRoomUniqueID names the one single room of a pair, whichever side asks.
func singleRoomUniqueID(a, b string) string {
	if a > b {
		a, b = b, a
	}
	sum := sha256.Sum256([]byte(a + "\x00" + b))
	return "single_" + hex.EncodeToString(sum[:16])
}

// getOrCreateSingleRoom returns the single room of a and b, creating it (with
// options) the first time. The unique id makes concurrent creations converge.
func (st *store) getOrCreateSingleRoom(ctx context.Context, a, b *user, options string, now time.Time) (int64, error) {
	uniqueID := singleRoomUniqueID(a.ID, b.ID)
	var id int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rooms (unique_id, options, chat_type, created_at)
			VALUES (?, ?, 'single', ?) ON CONFLICT (unique_id) DO NOTHING`, uniqueID, options, now.UnixNano())
		if err != nil {
			return fmt.Errorf("create single room: %w", err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT id FROM rooms WHERE unique_id = ?", uniqueID).Scan(&id); err != nil {
			return fmt.Errorf("single room %s: %w", uniqueID, err)
		}
		for _, u := range []*user{a, b} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO participants (room_id, user_id) VALUES (?, ?)
				ON CONFLICT DO NOTHING`, id, u.PK); err != nil {
				return fmt.Errorf("add %q to room %d: %w", u.ID, id, err)
			}
		}
		return nil
	})
	return id, err
}

// unreadCount counts other people's comments after the reader's read cursor.
func (st *store) unreadCount(ctx context.Context, roomID, userPK, readID int64) (int64, error) {
	var n int64
	err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments
		WHERE room_id = ? AND id > ? AND user_id != ?`, roomID, readID, userPK).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unread count room %d: %w", roomID, err)
	}
	return n, nil
}

func (d *roomDetail) participant(userPK int64) *participant {
	for i := range d.participants {
		if d.participants[i].PK == userPK {
			return &d.participants[i]
		}
	}
	return nil
}

// canRead reports whether the user may read the room's comments.
func (d *roomDetail) canRead(userPK int64) bool {
	return d.IsPublicChannel || d.participant(userPK) != nil
}

// opponent is the other member of a single room, as seen by viewerPK.
func (d *roomDetail) opponent(viewerPK int64) *participant {
	if d.ChatType != "single" {
		return nil
	}
	for i := range d.participants {
		if d.participants[i].PK != viewerPK {
			return &d.participants[i]
		}
	}
	return nil
}

// nameFor is the room name from the viewer's side: a single room is named after
// the other person.
func (d *roomDetail) nameFor(viewerPK int64) string {
	if o := d.opponent(viewerPK); o != nil && d.Name == "" {
		return o.Username
	}
	return d.Name
}

func (d *roomDetail) avatarFor(viewerPK int64) string {
	if o := d.opponent(viewerPK); o != nil && d.AvatarURL == "" {
		return o.AvatarURL
	}
	return d.AvatarURL
}

// statusOf is a comment's aggregate status from its sender's side: read when
// every other participant has read it, delivered when every other participant has
// received it. A room with nobody else in it leaves the comment "sent".
func (d *roomDetail) statusOf(commentID, senderPK int64) string {
	others := 0
	minRead, minReceived := int64(math.MaxInt64), int64(math.MaxInt64)
	for _, p := range d.participants {
		if p.PK == senderPK {
			continue
		}
		others++
		minRead = min(minRead, p.LastReadID)
		minReceived = min(minReceived, p.LastReceivedID)
	}
	switch {
	case others == 0:
		return "sent"
	case minRead >= commentID:
		return "read"
	case minReceived >= commentID:
		return "delivered"
	}
	return "sent"
}

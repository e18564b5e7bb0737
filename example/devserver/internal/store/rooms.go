package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"math"
	"strings"
	"time"
)

// Room is a row of the rooms table.
type Room struct {
	ID              int64
	UniqueID        string
	Name            string
	AvatarURL       string
	Options         string // the app's raw JSON string
	ChatType        string // single, group or channel
	IsPublicChannel bool
	CreatedAt       int64 // unix ns
}

// Participant is a room member with their cursors.
type Participant struct {
	User
	LastReadID     int64
	LastReceivedID int64
}

// RoomDetail is a room with its participants: enough to render the room and its
// comments for any viewer.
type RoomDetail struct {
	Room
	Participants []Participant
}

const roomColumns = "id, unique_id, name, avatar_url, options, chat_type, is_public_channel, created_at"

func scanRoom(row scanner) (Room, error) {
	var r Room
	err := row.Scan(&r.ID, &r.UniqueID, &r.Name, &r.AvatarURL, &r.Options, &r.ChatType, &r.IsPublicChannel, &r.CreatedAt)
	return r, err
}

func (st *Store) RoomByID(ctx context.Context, id int64) (Room, error) {
	r, err := scanRoom(st.DB.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE id = ?", id))
	if err != nil {
		return Room{}, notFound(err, apierr.ErrRoomNotFound, fmt.Sprintf("id %d", id))
	}
	return r, nil
}

func (st *Store) RoomByUniqueID(ctx context.Context, uniqueID string) (Room, error) {
	r, err := scanRoom(st.DB.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE unique_id = ?", uniqueID))
	if err != nil {
		return Room{}, notFound(err, apierr.ErrRoomNotFound, fmt.Sprintf("unique id %q", uniqueID))
	}
	return r, nil
}

// roomDetailSQL reads a room and its participants (ordered by user id) in one
// statement: one row per participant, or a single row with zeros in the
// participant columns for a room nobody is in. A participant whose user row is
// missing (impossible with foreign keys on) is left out, as an inner join would.
const roomDetailSQL = `SELECT r.id, r.unique_id, r.name, r.avatar_url, r.options, r.chat_type,
	r.is_public_channel, r.created_at,
	COALESCE(u.id, 0), COALESCE(u.email, ''), COALESCE(u.password, ''), COALESCE(u.username, ''),
	COALESCE(u.avatar_url, ''), COALESCE(u.extras, ''), COALESCE(u.token, ''),
	COALESCE(u.refresh_token, ''), COALESCE(u.token_expires_at, 0),
	COALESCE(p.last_comment_read_id, 0), COALESCE(p.last_comment_received_id, 0)
	FROM rooms r LEFT JOIN participants p ON p.room_id = r.id LEFT JOIN users u ON u.id = p.user_id
	WHERE r.id = +? ORDER BY p.user_id` // +?: see insertCommentSQL

func (st *Store) RoomDetail(ctx context.Context, id int64) (*RoomDetail, error) {
	return roomDetailFrom(ctx, st.stmts.roomDetail, id)
}

// roomDetailFrom runs roomDetailSQL prepared as stmt.
func roomDetailFrom(ctx context.Context, stmt *sql.Stmt, id int64) (*RoomDetail, error) {
	rows, err := stmt.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("room %d: %w", id, err)
	}
	defer rows.Close()
	d := &RoomDetail{}
	var (
		found  bool
		skip   sql.RawBytes // room columns of the rows after the first
		extras string
	)
	for rows.Next() {
		var p Participant
		r := &d.Room
		roomDest := []any{&r.ID, &r.UniqueID, &r.Name, &r.AvatarURL, &r.Options, &r.ChatType}
		if found {
			roomDest = []any{&skip, &skip, &skip, &skip, &skip, &skip}
		}
		if err := rows.Scan(append(roomDest, &r.IsPublicChannel, &r.CreatedAt,
			&p.PK, &p.ID, &p.passwordHash, &p.Username, &p.AvatarURL, &extras,
			&p.Token, &p.RefreshToken, &p.TokenExpiresAt, &p.LastReadID, &p.LastReceivedID)...); err != nil {
			return nil, fmt.Errorf("room %d: %w", id, err)
		}
		found = true
		if p.PK != 0 {
			p.Extras = []byte(extras)
			d.Participants = append(d.Participants, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("room %d: %w", id, err)
	}
	if !found {
		return nil, notFound(sql.ErrNoRows, apierr.ErrRoomNotFound, fmt.Sprintf("id %d", id))
	}
	return d, nil
}

func (st *Store) IsParticipant(ctx context.Context, roomID, userPK int64) (bool, error) {
	var n int
	err := st.DB.QueryRowContext(ctx,
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

// GetOrCreateSingleRoom returns the single room of a and b, creating it (with
// options) the first time. The unique id makes concurrent creations converge.
func (st *Store) GetOrCreateSingleRoom(ctx context.Context, a, b *User, options string, now time.Time) (int64, error) {
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
		_, err = addParticipantsTx(ctx, tx, id, []int64{a.PK, b.PK})
		return err
	})
	return id, err
}

// UnreadCount counts the comments by others after the reader's read cursor
// that the reader can see.
func (st *Store) UnreadCount(ctx context.Context, roomID, userPK, readID int64) (int64, error) {
	var n int64
	err := st.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments c
		WHERE c.room_id = ? AND c.id > ? AND c.user_id != ? AND`+visibleTo,
		roomID, readID, userPK, userPK, userPK).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unread count room %d: %w", roomID, err)
	}
	return n, nil
}

func (d *RoomDetail) Participant(userPK int64) *Participant {
	for i := range d.Participants {
		if d.Participants[i].PK == userPK {
			return &d.Participants[i]
		}
	}
	return nil
}

// CanRead reports whether the user may read the room's comments.
func (d *RoomDetail) CanRead(userPK int64) bool {
	return d.IsPublicChannel || d.Participant(userPK) != nil
}

// Opponent is the other member of a single room, as seen by viewerPK.
func (d *RoomDetail) Opponent(viewerPK int64) *Participant {
	if d.ChatType != "single" {
		return nil
	}
	for i := range d.Participants {
		if d.Participants[i].PK != viewerPK {
			return &d.Participants[i]
		}
	}
	return nil
}

// NameFor is the room name from the viewer's side: a single room is named after
// the other person.
func (d *RoomDetail) NameFor(viewerPK int64) string {
	if o := d.Opponent(viewerPK); o != nil && d.Name == "" {
		return o.Username
	}
	return d.Name
}

func (d *RoomDetail) AvatarFor(viewerPK int64) string {
	if o := d.Opponent(viewerPK); o != nil && d.AvatarURL == "" {
		return o.AvatarURL
	}
	return d.AvatarURL
}

// StatusOf is a comment's aggregate status from its sender's side: read when
// every other participant has read it, delivered when every other participant has
// received it. A room with nobody else in it leaves the comment "sent".
func (d *RoomDetail) StatusOf(commentID, senderPK int64) string {
	others := 0
	minRead, minReceived := int64(math.MaxInt64), int64(math.MaxInt64)
	for _, p := range d.Participants {
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

// newUniqueID names a room that has no app-chosen unique id. rand.Text is
// base32, so the id is a valid MQTT topic level.
func newUniqueID(prefix string) string { return prefix + strings.ToLower(rand.Text()) }

// NewRoom is a room to create.
type NewRoom struct {
	UniqueID                 string // "" = group_<random>
	Name, AvatarURL, Options string
	ChatType                 string // group, channel or single
	CreatorPK                int64  // recorded as the room's creator, and a participant; 0 = none
	MemberPKs                []int64
	CreatedAt                time.Time
}

// insertRoom is the one INSERT of a group or channel (the SDK and server APIs,
// imports): the room, its creator, and its participants (the creator first).
func insertRoom(ctx context.Context, tx *sql.Tx, r NewRoom) (int64, error) {
	if r.UniqueID == "" {
		r.UniqueID = newUniqueID("group_")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO rooms
		(unique_id, name, avatar_url, options, chat_type, is_public_channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.UniqueID, r.Name, r.AvatarURL, r.Options, r.ChatType, r.ChatType == "channel", r.CreatedAt.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("create %s room %q: %w", r.ChatType, r.UniqueID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	members := r.MemberPKs
	if r.CreatorPK != 0 {
		if _, err := tx.ExecContext(ctx, "INSERT INTO restapi_room_creators (room_id, user_id) VALUES (?, ?)",
			id, r.CreatorPK); err != nil {
			return 0, fmt.Errorf("record creator of room %d: %w", id, err)
		}
		members = append([]int64{r.CreatorPK}, members...)
	}
	_, err = addParticipantsTx(ctx, tx, id, members)
	return id, err
}

// CreateGroupRoom creates a group room.
func (st *Store) CreateGroupRoom(ctx context.Context, r NewRoom) (int64, error) {
	r.ChatType = "group"
	var id int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertRoom(ctx, tx, r)
		return err
	})
	return id, err
}

// GetOrCreateChannel returns the public channel with this unique id, creating
// it, and makes userPK a participant. A given name or avatar replaces the
// stored one; changed reports a creation or such a change.
func (st *Store) GetOrCreateChannel(ctx context.Context, uniqueID, name, avatarURL string, userPK int64, now time.Time) (id int64, changed bool, err error) {
	err = st.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRoom(tx.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE unique_id = ?", uniqueID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if name == "" {
				name = uniqueID
			}
			changed = true
			id, err = insertRoom(ctx, tx, NewRoom{UniqueID: uniqueID, Name: name, AvatarURL: avatarURL,
				ChatType: "channel", MemberPKs: []int64{userPK}, CreatedAt: now})
			return err
		case err != nil:
			return fmt.Errorf("channel %q: %w", uniqueID, err)
		case r.ChatType != "channel":
			return apierr.BadRequest("unique_id %q belongs to a %s room, not a channel", uniqueID, r.ChatType)
		default:
			id = r.ID
			if (name != "" && name != r.Name) || (avatarURL != "" && avatarURL != r.AvatarURL) {
				changed = true
				if name == "" {
					name = r.Name
				}
				if avatarURL == "" {
					avatarURL = r.AvatarURL
				}
				if _, err := tx.ExecContext(ctx, "UPDATE rooms SET name = ?, avatar_url = ? WHERE id = ?", name, avatarURL, id); err != nil {
					return fmt.Errorf("update channel %q: %w", uniqueID, err)
				}
			}
		}
		_, err = addParticipantsTx(ctx, tx, id, []int64{userPK})
		return err
	})
	return id, changed, err
}

// RoomUpdate holds the fields to change; nil leaves a field alone.
type RoomUpdate struct {
	Name, AvatarURL, Options *string
}

// UpdateRoom applies up and reports whether anything changed.
func (st *Store) UpdateRoom(ctx context.Context, roomID int64, up RoomUpdate) (bool, error) {
	var changed bool
	err := st.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRoom(tx.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE id = ?", roomID))
		if err != nil {
			return notFound(err, apierr.ErrRoomNotFound, fmt.Sprintf("id %d", roomID))
		}
		old := r
		if up.Name != nil {
			r.Name = *up.Name
		}
		if up.AvatarURL != nil {
			r.AvatarURL = *up.AvatarURL
		}
		if up.Options != nil {
			r.Options = *up.Options
		}
		if changed = r != old; !changed {
			return nil
		}
		_, err = tx.ExecContext(ctx, "UPDATE rooms SET name = ?, avatar_url = ?, options = ? WHERE id = ?",
			r.Name, r.AvatarURL, r.Options, roomID)
		if err != nil {
			return fmt.Errorf("update room %d: %w", roomID, err)
		}
		return nil
	})
	return changed, err
}

// AddParticipants adds users to a room and returns those who were not in it.
func (st *Store) AddParticipants(ctx context.Context, roomID int64, pks []int64) ([]int64, error) {
	var added []int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		added, err = addParticipantsTx(ctx, tx, roomID, pks)
		return err
	})
	return added, err
}

func addParticipantsTx(ctx context.Context, tx *sql.Tx, roomID int64, pks []int64) ([]int64, error) {
	var added []int64
	for _, pk := range pks {
		res, err := tx.ExecContext(ctx, `INSERT INTO participants (room_id, user_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, roomID, pk)
		if err != nil {
			return nil, fmt.Errorf("add user %d to room %d: %w", pk, roomID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added = append(added, pk)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM removed_participants WHERE room_id = ? AND user_id = ?", roomID, pk); err != nil {
			return nil, fmt.Errorf("add user %d to room %d: %w", pk, roomID, err)
		}
	}
	return added, nil
}

// RemoveParticipants removes users from a room, remembering them for
// show_removed, and returns those who were in it.
func (st *Store) RemoveParticipants(ctx context.Context, roomID int64, pks []int64, now time.Time) ([]int64, error) {
	var removed []int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		for _, pk := range pks {
			res, err := tx.ExecContext(ctx, "DELETE FROM participants WHERE room_id = ? AND user_id = ?", roomID, pk)
			if err != nil {
				return fmt.Errorf("remove user %d from room %d: %w", pk, roomID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			removed = append(removed, pk)
			if _, err := tx.ExecContext(ctx, `INSERT INTO removed_participants (room_id, user_id, removed_at)
				VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET removed_at = excluded.removed_at`,
				roomID, pk, now.UnixNano()); err != nil {
				return fmt.Errorf("remove user %d from room %d: %w", pk, roomID, err)
			}
		}
		return nil
	})
	return removed, err
}

// RoomRef is one room in a user's list; Removed marks a room they were
// removed from.
type RoomRef struct {
	ID      int64
	Removed bool
}

// UserRooms lists the rooms the user is in, and with removed also those they
// were removed from.
func (st *Store) UserRooms(ctx context.Context, userPK int64, removed bool) ([]RoomRef, error) {
	q := "SELECT room_id, 0 FROM participants WHERE user_id = ?"
	args := []any{userPK}
	if removed {
		q += " UNION ALL SELECT room_id, 1 FROM removed_participants WHERE user_id = ?"
		args = append(args, userPK)
	}
	rows, err := st.DB.QueryContext(ctx, q+" ORDER BY 1", args...)
	return scanAll(rows, err, fmt.Sprint("rooms of user ", userPK), func(r scanner) (RoomRef, error) {
		var ref RoomRef
		err := r.Scan(&ref.ID, &ref.Removed)
		return ref, err
	})
}

// WasRemoved reports whether the user was removed from the room (and not added back).
func (st *Store) WasRemoved(ctx context.Context, roomID, userPK int64) (bool, error) {
	var n int
	err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM removed_participants WHERE room_id = ? AND user_id = ?",
		roomID, userPK).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("removed check room %d: %w", roomID, err)
	}
	return n > 0, nil
}

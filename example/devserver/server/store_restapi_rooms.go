package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// restNewGroup is a group room created through the server API.
type restNewGroup struct {
	Name, AvatarURL, Options string
	CreatorPK                int64
	MemberPKs                []int64 // the creator is added when missing
}

// restCreateGroupRoom creates a group room with its participants and records
// its creator.
func (st *store) restCreateGroupRoom(ctx context.Context, in restNewGroup, now time.Time) (int64, error) {
	var id int64
	err := st.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO rooms (unique_id, name, avatar_url, options, chat_type, created_at)
			VALUES (?, ?, ?, ?, 'group', ?)`,
			"group_"+strings.ToLower(rand.Text()), in.Name, in.AvatarURL, in.Options, now.UnixNano())
		if err != nil {
			return fmt.Errorf("create group room: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO restapi_room_creators (room_id, user_id) VALUES (?, ?)",
			id, in.CreatorPK); err != nil {
			return fmt.Errorf("record creator of room %d: %w", id, err)
		}
		return restAddParticipantsTx(ctx, tx, id, append([]int64{in.CreatorPK}, in.MemberPKs...))
	})
	return id, err
}

func restAddParticipantsTx(ctx context.Context, tx *sql.Tx, roomID int64, userPKs []int64) error {
	for _, pk := range userPKs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO participants (room_id, user_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, roomID, pk); err != nil {
			return fmt.Errorf("add user %d to room %d: %w", pk, roomID, err)
		}
	}
	return nil
}

// addParticipants adds users to a room; members already in it are left alone.
func (st *store) restAddParticipants(ctx context.Context, roomID int64, userPKs []int64) error {
	return st.tx(ctx, func(tx *sql.Tx) error { return restAddParticipantsTx(ctx, tx, roomID, userPKs) })
}

// removeParticipants removes users from a room; non-members are ignored.
func (st *store) restRemoveParticipants(ctx context.Context, roomID int64, userPKs []int64) error {
	return st.tx(ctx, func(tx *sql.Tx) error {
		for _, pk := range userPKs {
			if _, err := tx.ExecContext(ctx, "DELETE FROM participants WHERE room_id = ? AND user_id = ?",
				roomID, pk); err != nil {
				return fmt.Errorf("remove user %d from room %d: %w", pk, roomID, err)
			}
		}
		return nil
	})
}

// roomCreator is the id (email) of the user who created the room through the
// server API or an import, or "" when unknown.
func (st *store) roomCreator(ctx context.Context, roomID int64) (string, error) {
	var id string
	err := st.db.QueryRowContext(ctx, `SELECT u.email FROM restapi_room_creators c JOIN users u ON u.id = c.user_id
		WHERE c.room_id = ?`, roomID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("creator of room %d: %w", roomID, err)
	}
	return id, nil
}

// restRoomUpdate holds the fields to change; nil leaves a field alone.
type restRoomUpdate struct {
	Name, AvatarURL, Options *string
}

// updateRoom applies up and reports whether anything changed.
func (st *store) restUpdateRoom(ctx context.Context, roomID int64, up restRoomUpdate) (bool, error) {
	var changed bool
	err := st.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanRoom(tx.QueryRowContext(ctx, "SELECT "+roomColumns+" FROM rooms WHERE id = ?", roomID))
		if err != nil {
			return notFound(err, ErrRoomNotFound, fmt.Sprintf("id %d", roomID))
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

// userRooms lists the rooms of a user, most recently active first. roomType is
// "", "single" or "group" (channels count as groups). limit caps the page.
func (st *store) restUserRooms(ctx context.Context, userPK int64, roomType string, limit, offset int) (ids []int64, total int, err error) {
	filter := ""
	switch roomType {
	case "single":
		filter = " AND r.chat_type = 'single'"
	case "group":
		filter = " AND r.chat_type IN ('group', 'channel')"
	}
	from := ` FROM rooms r JOIN participants p ON p.room_id = r.id AND p.user_id = ? WHERE 1 = 1` + filter
	if err := st.db.QueryRowContext(ctx, "SELECT COUNT(*)"+from, userPK).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count rooms of user %d: %w", userPK, err)
	}
	rows, err := st.db.QueryContext(ctx, "SELECT r.id"+from+`
		ORDER BY COALESCE((SELECT MAX(c.id) FROM comments c WHERE c.room_id = r.id), 0) DESC, r.id DESC
		LIMIT ? OFFSET ?`, userPK, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("rooms of user %d: %w", userPK, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	return ids, total, rows.Err()
}

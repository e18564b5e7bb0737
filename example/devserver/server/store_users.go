package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// user is a row of the users table.
type user struct {
	PK             int64  // internal numeric id ("id" in JSON)
	ID             string // the Qiscus user id ("email" in JSON)
	Username       string
	AvatarURL      string
	Extras         []byte // JSON object
	Token          string
	RefreshToken   string
	TokenExpiresAt int64 // unix ns, 0 = never
	passwordHash   string
}

func (u *user) expired(now time.Time) bool {
	return u.TokenExpiresAt > 0 && now.UnixNano() >= u.TokenExpiresAt
}

const userColumns = "id, email, password, username, avatar_url, extras, token, refresh_token, token_expires_at"

type scanner interface{ Scan(dest ...any) error }

func scanUser(row scanner) (user, error) {
	var u user
	var extras string
	err := row.Scan(&u.PK, &u.ID, &u.passwordHash, &u.Username, &u.AvatarURL, &extras,
		&u.Token, &u.RefreshToken, &u.TokenExpiresAt)
	u.Extras = []byte(extras)
	return u, err
}

// userBy looks a user up by a unique column ("email" or "token").
func userBy(ctx context.Context, q querier, column, value string) (user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+column+" = ?", value))
	if err != nil {
		return user{}, notFound(err, ErrUserNotFound, strconv.Quote(value))
	}
	return u, nil
}

func (st *store) userByID(ctx context.Context, id string) (user, error) {
	return userBy(ctx, st.db, "email", id)
}

func (st *store) userByToken(ctx context.Context, token string) (user, error) {
	if token == "" {
		return user{}, ErrInvalidToken
	}
	u, err := userBy(ctx, st.db, "token", token)
	if errors.Is(err, ErrUserNotFound) {
		return user{}, ErrInvalidToken
	}
	return u, err
}

// authenticate checks a user id and token pair.
func (st *store) authenticate(ctx context.Context, id, token string, now time.Time) (user, error) {
	u, err := st.userByToken(ctx, token)
	if err != nil {
		return user{}, err
	}
	if u.ID != id {
		return user{}, ErrInvalidToken
	}
	if u.expired(now) {
		return user{}, ErrTokenExpired
	}
	return u, nil
}

type loginInput struct {
	ID, Password, Username, AvatarURL string
	Extras                            []byte // nil leaves the stored value alone
}

// loginOrRegister creates the user or checks the password of the existing one,
// applying the profile fields that were given. The token stays the same across
// logins (other devices keep their {token}/c subscriptions) until it expires.
func (st *store) loginOrRegister(ctx context.Context, in loginInput, now time.Time, ttl time.Duration) (user, error) {
	var u user
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = userBy(ctx, tx, "email", in.ID)
		if errors.Is(err, ErrUserNotFound) {
			u = user{ID: in.ID, Username: in.Username, AvatarURL: in.AvatarURL, Extras: in.Extras}
			if u.Username == "" {
				u.Username = in.ID
			}
			if u.Extras == nil {
				u.Extras = []byte("{}")
			}
			issueToken(&u, now, ttl)
			res, err := tx.ExecContext(ctx, `INSERT INTO users
				(email, password, username, avatar_url, extras, token, refresh_token, token_expires_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				u.ID, hashPassword(in.Password), u.Username, u.AvatarURL, string(u.Extras),
				u.Token, u.RefreshToken, u.TokenExpiresAt, now.UnixNano())
			if err != nil {
				return fmt.Errorf("insert user %q: %w", in.ID, err)
			}
			u.PK, err = res.LastInsertId()
			return err
		}
		if err != nil {
			return err
		}
		if !checkPassword(u.passwordHash, in.Password) {
			return fmt.Errorf("%w (user %q)", ErrWrongPassword, in.ID)
		}
		if in.Username != "" {
			u.Username = in.Username
		}
		if in.AvatarURL != "" {
			u.AvatarURL = in.AvatarURL
		}
		if in.Extras != nil {
			u.Extras = in.Extras
		}
		if u.expired(now) {
			issueToken(&u, now, ttl)
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET username = ?, avatar_url = ?, extras = ?,
			token = ?, refresh_token = ?, token_expires_at = ? WHERE id = ?`,
			u.Username, u.AvatarURL, string(u.Extras), u.Token, u.RefreshToken, u.TokenExpiresAt, u.PK)
		if err != nil {
			return fmt.Errorf("update user %q: %w", in.ID, err)
		}
		return nil
	})
	return u, err
}

// issueToken gives u a fresh token pair. rand.Text is base32 (A-Z, 2-7), so
// tokens never contain the MQTT topic characters / + #.
func issueToken(u *user, now time.Time, ttl time.Duration) {
	u.Token = rand.Text()
	u.RefreshToken = rand.Text()
	u.TokenExpiresAt = 0
	if ttl > 0 {
		u.TokenExpiresAt = now.Add(ttl).UnixNano()
	}
}

func hashPassword(pw string) string {
	salt := rand.Text()
	sum := sha256.Sum256([]byte(salt + "\x00" + pw))
	return "sha256:" + salt + ":" + hex.EncodeToString(sum[:])
}

func checkPassword(stored, pw string) bool {
	parts := strings.Split(stored, ":")
	if len(parts) != 3 || parts[0] != "sha256" {
		return false
	}
	sum := sha256.Sum256([]byte(parts[1] + "\x00" + pw))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(parts[2])) == 1
}

// lastCommentID is the newest comment id across the user's rooms.
func (st *store) lastCommentID(ctx context.Context, userPK int64) (int64, error) {
	var id int64
	err := st.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(c.id), 0) FROM comments c
		JOIN participants p ON p.room_id = c.room_id WHERE p.user_id = ?`, userPK).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last comment id of user %d: %w", userPK, err)
	}
	return id, nil
}

// lastEventID is the newest sync event visible to the user.
func (st *store) lastEventID(ctx context.Context, userPK int64) (int64, error) {
	var id int64
	err := st.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events WHERE user_id = ?
		OR room_id IN (SELECT room_id FROM participants WHERE user_id = ?)`, userPK, userPK).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last event id of user %d: %w", userPK, err)
	}
	return id, nil
}

package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// restUserInput is login_or_register of the server API. Empty fields leave the
// stored values alone; Extras nil likewise.
type restUserInput struct {
	ID, Password, Username, AvatarURL string
	Extras                            []byte
	DeviceToken, DevicePlatform       string
}

// errPasswordRequired: the server API updates an existing user only when given
// its (new) password.
var errPasswordRequired = fmt.Errorf("%w: password is required to update an existing user", ErrBadRequest)

// restLoginOrRegister creates the user (with a random password when none is
// given) or, given a password, sets it and updates the profile of the existing
// one. Unlike the SDK endpoint it never checks the old password: the caller
// holds the app secret.
func (st *store) restLoginOrRegister(ctx context.Context, in restUserInput, now time.Time, ttl time.Duration) (u user, created bool, err error) {
	err = st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = userBy(ctx, tx, "email", in.ID)
		switch {
		case errors.Is(err, ErrUserNotFound):
			created = true
			u = user{ID: in.ID, Username: in.Username, AvatarURL: in.AvatarURL, Extras: in.Extras}
			if u.Username == "" {
				u.Username = in.ID
			}
			if u.Extras == nil {
				u.Extras = []byte("{}")
			}
			pw := in.Password
			if pw == "" {
				pw = rand.Text()
			}
			issueToken(&u, now, ttl)
			res, err := tx.ExecContext(ctx, `INSERT INTO users
				(email, password, username, avatar_url, extras, token, refresh_token, token_expires_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				u.ID, hashPassword(pw), u.Username, u.AvatarURL, string(u.Extras),
				u.Token, u.RefreshToken, u.TokenExpiresAt, now.UnixNano())
			if err != nil {
				return fmt.Errorf("insert user %q: %w", in.ID, err)
			}
			if u.PK, err = res.LastInsertId(); err != nil {
				return err
			}
		case err != nil:
			return err
		case in.Password == "":
			return errPasswordRequired
		default:
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
			_, err = tx.ExecContext(ctx, `UPDATE users SET password = ?, username = ?, avatar_url = ?, extras = ?,
				token = ?, refresh_token = ?, token_expires_at = ? WHERE id = ?`,
				hashPassword(in.Password), u.Username, u.AvatarURL, string(u.Extras),
				u.Token, u.RefreshToken, u.TokenExpiresAt, u.PK)
			if err != nil {
				return fmt.Errorf("update user %q: %w", in.ID, err)
			}
		}
		if in.DeviceToken != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO restapi_device_tokens (user_id, platform, token, created_at)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, u.PK, in.DevicePlatform, in.DeviceToken, now.UnixNano()); err != nil {
				return fmt.Errorf("store device token: %w", err)
			}
		}
		return nil
	})
	return u, created, err
}

// resetToken gives the user a new token pair; the old token stops working.
func (st *store) resetToken(ctx context.Context, id string, now time.Time, ttl time.Duration) (u user, oldToken string, err error) {
	err = st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = userBy(ctx, tx, "email", id); err != nil {
			return err
		}
		oldToken = u.Token
		issueToken(&u, now, ttl)
		_, err = tx.ExecContext(ctx, `UPDATE users SET token = ?, refresh_token = ?, token_expires_at = ? WHERE id = ?`,
			u.Token, u.RefreshToken, u.TokenExpiresAt, u.PK)
		if err != nil {
			return fmt.Errorf("reset token of %q: %w", id, err)
		}
		return nil
	})
	return u, oldToken, err
}

// pushConfigured reports which platforms have a device token for the user.
func (st *store) restPushConfigured(ctx context.Context, userPK int64) (android, ios bool, err error) {
	rows, err := st.db.QueryContext(ctx, "SELECT DISTINCT platform FROM restapi_device_tokens WHERE user_id = ?", userPK)
	if err != nil {
		return false, false, fmt.Errorf("device tokens of %d: %w", userPK, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return false, false, err
		}
		android, ios = android || p == "android", ios || p == "ios"
	}
	return android, ios, rows.Err()
}

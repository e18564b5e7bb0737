package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"time"
)

// UserInput is login_or_register of the server API.
type UserInput struct {
	LoginInput
	DeviceToken, DevicePlatform string // both or neither
}

// errPasswordRequired: the server API updates an existing user only when given
// its (new) password.
var errPasswordRequired = fmt.Errorf("%w: password is required to update an existing user", apierr.ErrBadRequest)

// UpsertUser creates the user (with a random password when none is given) or,
// given a password, sets it and updates the profile of the existing one, and
// registers the device token if any. Unlike loginOrRegister it never checks
// the old password: the caller holds the app secret.
func (st *Store) UpsertUser(ctx context.Context, in UserInput, now time.Time, ttl time.Duration) (u User, created bool, err error) {
	err = st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = userBy(ctx, tx, "email", in.ID)
		switch {
		case errors.Is(err, apierr.ErrUserNotFound):
			created = true
			pw := in.Password
			if pw == "" {
				pw = rand.Text()
			}
			if u, err = createUser(ctx, tx, in.ID, in.Profile, hashPassword(pw), now, ttl); err != nil {
				return err
			}
		case err != nil:
			return err
		case in.Password == "":
			return errPasswordRequired
		default:
			if _, err := tx.ExecContext(ctx, "UPDATE users SET password = ? WHERE id = ?",
				hashPassword(in.Password), u.PK); err != nil {
				return fmt.Errorf("set password of %q: %w", in.ID, err)
			}
			if err := refreshProfile(ctx, tx, &u, in.Profile, now, ttl); err != nil {
				return err
			}
		}
		if in.DeviceToken != "" {
			_, err := setDeviceToken(ctx, tx, u.PK, DeviceToken{Token: in.DeviceToken, Platform: in.DevicePlatform}, true, now)
			return err
		}
		return nil
	})
	return u, created, err
}

// ResetToken gives the user a new token pair; the old token stops working.
func (st *Store) ResetToken(ctx context.Context, id string, now time.Time, ttl time.Duration) (u User, oldToken string, err error) {
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

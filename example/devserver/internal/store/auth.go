package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"time"
)

// CreateNonce issues a single-use nonce for an identity token, and forgets
// nonces that expired long ago.
// ttl is how long the nonce may be used.
func (st *Store) CreateNonce(ctx context.Context, now time.Time, ttl time.Duration) (string, time.Time, error) {
	nonce, exp := rand.Text(), now.Add(ttl)
	err := st.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM nonces WHERE expires_at < ?", now.Add(-time.Hour).UnixNano()); err != nil {
			return fmt.Errorf("prune nonces: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)", nonce, exp.UnixNano()); err != nil {
			return fmt.Errorf("insert nonce: %w", err)
		}
		return nil
	})
	return nonce, exp, err
}

// consumeNonce marks a nonce used; unknown, used and expired nonces are refused.
func consumeNonce(ctx context.Context, tx *sql.Tx, nonce string, now time.Time) error {
	var expires, used int64
	err := tx.QueryRowContext(ctx, "SELECT expires_at, used_at FROM nonces WHERE nonce = ?", nonce).Scan(&expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return apierr.Unauthorized("nonce %q is unknown (get one from auth/nonce)", nonce)
	case err != nil:
		return fmt.Errorf("read nonce: %w", err)
	case used != 0:
		return apierr.Unauthorized("nonce %q was already used (nonces are single-use)", nonce)
	case now.UnixNano() >= expires:
		return apierr.Unauthorized("nonce %q expired at %s", nonce, time.Unix(0, expires).UTC().Format(time.RFC3339))
	}
	if _, err := tx.ExecContext(ctx, "UPDATE nonces SET used_at = ? WHERE nonce = ?", now.UnixNano(), nonce); err != nil {
		return fmt.Errorf("use nonce: %w", err)
	}
	return nil
}

// IdentityLogin consumes the identity token's nonce and creates or updates
// its user, userID, with the profile fields given. Users created here get a
// random password: they log in through identity tokens only.
func (st *Store) IdentityLogin(ctx context.Context, nonce, userID string, p Profile, now time.Time, ttl time.Duration) (User, error) {
	var u User
	err := st.tx(ctx, func(tx *sql.Tx) error {
		if err := consumeNonce(ctx, tx, nonce, now); err != nil {
			return err
		}
		var err error
		u, err = userBy(ctx, tx, "email", userID)
		if errors.Is(err, apierr.ErrUserNotFound) {
			u, err = createUser(ctx, tx, userID, p, hashPassword(rand.Text()), now, ttl)
			return err
		}
		if err != nil {
			return err
		}
		return refreshProfile(ctx, tx, &u, p, now, ttl)
	})
	return u, err
}

// saveUser writes the profile and token columns of u.
func saveUser(ctx context.Context, q querier, u *User) error {
	_, err := q.ExecContext(ctx, `UPDATE users SET username = ?, avatar_url = ?, extras = ?,
		token = ?, refresh_token = ?, token_expires_at = ? WHERE id = ?`,
		u.Username, u.AvatarURL, string(u.Extras), u.Token, u.RefreshToken, u.TokenExpiresAt, u.PK)
	if err != nil {
		return fmt.Errorf("update user %q: %w", u.ID, err)
	}
	return nil
}

// RefreshToken trades a refresh token for a new token pair (rotation: the old
// token and the old refresh token stop working). An expired token may be
// refreshed; that is what refresh tokens are for.
func (st *Store) RefreshToken(ctx context.Context, userID, refresh string, now time.Time, ttl time.Duration) (User, error) {
	var u User
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = userBy(ctx, tx, "email", userID); err != nil {
			return err
		}
		if u.RefreshToken == "" || subtle.ConstantTimeCompare([]byte(u.RefreshToken), []byte(refresh)) != 1 {
			return apierr.Unauthorized("invalid refresh token for user %q (each refresh token works once)", userID)
		}
		issueToken(&u, now, ttl)
		return saveUser(ctx, tx, &u)
	})
	return u, err
}

// ExpireToken ends the token now; the refresh token keeps working.
func (st *Store) ExpireToken(ctx context.Context, u *User, now time.Time) error {
	u.TokenExpiresAt = now.UnixNano()
	return saveUser(ctx, st.DB, u)
}

// ProfileUpdate holds the optional my_profile fields; nil leaves one alone.
type ProfileUpdate struct {
	Name, AvatarURL *string
	Extras          []byte
}

func (st *Store) UpdateProfile(ctx context.Context, u *User, up ProfileUpdate) error {
	if up.Name != nil {
		u.Username = *up.Name
	}
	if up.AvatarURL != nil {
		u.AvatarURL = *up.AvatarURL
	}
	if up.Extras != nil {
		u.Extras = up.Extras
	}
	return saveUser(ctx, st.DB, u)
}

package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"strconv"
	"strings"
	"time"
)

// User is a row of the users table.
type User struct {
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

func (u *User) Expired(now time.Time) bool {
	return u.TokenExpiresAt > 0 && now.UnixNano() >= u.TokenExpiresAt
}

const userColumns = "id, email, password, username, avatar_url, extras, token, refresh_token, token_expires_at"

func scanUser(row scanner) (User, error) {
	var u User
	var extras string
	err := row.Scan(&u.PK, &u.ID, &u.passwordHash, &u.Username, &u.AvatarURL, &extras,
		&u.Token, &u.RefreshToken, &u.TokenExpiresAt)
	u.Extras = []byte(extras)
	return u, err
}

func userByColumnSQL(column string) string {
	return "SELECT " + userColumns + " FROM users WHERE " + column + " = ?"
}

// userBy looks a user up by a unique column ("email" or "token").
func userBy(ctx context.Context, q querier, column, value string) (User, error) {
	return userFrom(q.QueryRowContext(ctx, userByColumnSQL(column), value), value)
}

func userFrom(row *sql.Row, value string) (User, error) {
	u, err := scanUser(row)
	if err != nil {
		return User{}, notFound(err, apierr.ErrUserNotFound, strconv.Quote(value))
	}
	return u, nil
}

func (st *Store) UserByID(ctx context.Context, id string) (User, error) {
	return userBy(ctx, st.DB, "email", id)
}

func (st *Store) UserByToken(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, apierr.ErrInvalidToken
	}
	u, err := userFrom(st.stmts.userByToken.QueryRowContext(ctx, token), token)
	if errors.Is(err, apierr.ErrUserNotFound) {
		return User{}, apierr.ErrInvalidToken
	}
	return u, err
}

// Authenticate checks a user id and token pair. Known tokens come from the
// cache (cache.go).
func (st *Store) Authenticate(ctx context.Context, id, token string, now time.Time) (User, error) {
	u, ok := st.cache.user(token)
	if !ok {
		var err error
		if u, err = st.UserByToken(ctx, token); err != nil {
			return User{}, err
		}
		st.cache.wantToken(token)
	}
	if u.ID != id {
		return User{}, apierr.ErrInvalidToken
	}
	if u.Expired(now) {
		return User{}, apierr.ErrTokenExpired
	}
	return u, nil
}

type LoginInput struct {
	ID, Password string
	Profile
}

// Profile holds the Profile fields a login may set; empty ones (nil Extras)
// leave the stored value alone.
type Profile struct {
	Username, AvatarURL string
	Extras              []byte
}

// Apply sets the fields of p that were given.
func (u *User) Apply(p Profile) {
	if p.Username != "" {
		u.Username = p.Username
	}
	if p.AvatarURL != "" {
		u.AvatarURL = p.AvatarURL
	}
	if p.Extras != nil {
		u.Extras = p.Extras
	}
}

// createUser stores a new user with a fresh token pair: the profile given,
// named after its id and with {} extras when not.
func createUser(ctx context.Context, q querier, id string, p Profile, passwordHash string, now time.Time, ttl time.Duration) (User, error) {
	u := User{ID: id, Username: id, Extras: []byte("{}")}
	u.Apply(p)
	issueToken(&u, now, ttl)
	return u, insertUser(ctx, q, &u, passwordHash, now)
}

// insertUser is the one INSERT INTO users: every way a user comes to exist
// (both logins, identity tokens, the system user, imports) ends here. It sets u.PK.
func insertUser(ctx context.Context, q querier, u *User, passwordHash string, createdAt time.Time) error {
	res, err := q.ExecContext(ctx, `INSERT INTO users
		(email, password, username, avatar_url, extras, token, refresh_token, token_expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, passwordHash, u.Username, u.AvatarURL, string(u.Extras),
		u.Token, u.RefreshToken, u.TokenExpiresAt, createdAt.UnixNano())
	if err != nil {
		return fmt.Errorf("insert user %q: %w", u.ID, err)
	}
	u.PK, err = res.LastInsertId()
	return err
}

// LoginOrRegister creates the user or checks the password of the existing one,
// applying the profile fields that were given. The token stays the same across
// logins (other devices keep their {token}/c subscriptions) until it expires.
func (st *Store) LoginOrRegister(ctx context.Context, in LoginInput, now time.Time, ttl time.Duration) (User, error) {
	var u User
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = userBy(ctx, tx, "email", in.ID)
		if errors.Is(err, apierr.ErrUserNotFound) {
			u, err = createUser(ctx, tx, in.ID, in.Profile, hashPassword(in.Password), now, ttl)
			return err
		}
		if err != nil {
			return err
		}
		if !checkPassword(u.passwordHash, in.Password) {
			return fmt.Errorf("%w (user %q)", apierr.ErrWrongPassword, in.ID)
		}
		return refreshProfile(ctx, tx, &u, in.Profile, now, ttl)
	})
	return u, err
}

// refreshProfile applies p to an existing user, renews an expired token, and saves.
func refreshProfile(ctx context.Context, q querier, u *User, p Profile, now time.Time, ttl time.Duration) error {
	u.Apply(p)
	if u.Expired(now) {
		issueToken(u, now, ttl)
	}
	return saveUser(ctx, q, u)
}

// issueToken gives u a fresh token pair. rand.Text is base32 (A-Z, 2-7), so
// tokens never contain the MQTT topic characters / + #.
func issueToken(u *User, now time.Time, ttl time.Duration) {
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

// LastCommentID is the newest comment id across the user's rooms.
func (st *Store) LastCommentID(ctx context.Context, userPK int64) (int64, error) {
	var id int64
	err := st.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(c.id), 0) FROM comments c
		JOIN participants p ON p.room_id = c.room_id WHERE p.user_id = ?`, userPK).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last comment id of user %d: %w", userPK, err)
	}
	return id, nil
}

// LastEventID is the newest sync event visible to the user.
func (st *Store) LastEventID(ctx context.Context, userPK int64) (int64, error) {
	var id int64
	err := st.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM events WHERE user_id = ?
		OR room_id IN (SELECT room_id FROM participants WHERE user_id = ?)`, userPK, userPK).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last event id of user %d: %w", userPK, err)
	}
	return id, nil
}

// SetBlocked blocks or unblocks a user for userPK; repeating either is a no-op.
func (st *Store) SetBlocked(ctx context.Context, userPK, otherPK int64, blocked bool, now time.Time) error {
	var err error
	if blocked {
		_, err = st.DB.ExecContext(ctx, `INSERT INTO blocks (user_id, blocked_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, userPK, otherPK, now.UnixNano())
	} else {
		_, err = st.DB.ExecContext(ctx, "DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?", userPK, otherPK)
	}
	if err != nil {
		return fmt.Errorf("block user %d: %w", otherPK, err)
	}
	return nil
}

// BlockedUsers pages the users userPK blocked, oldest block first.
func (st *Store) BlockedUsers(ctx context.Context, userPK int64, offset, limit int) ([]User, int, error) {
	var total int
	if err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM blocks WHERE user_id = ?", userPK).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count blocked users: %w", err)
	}
	us, err := queryUsers(ctx, st.DB, `JOIN blocks b ON b.blocked_id = users.id WHERE b.user_id = ?
		ORDER BY b.created_at, users.id LIMIT ? OFFSET ?`, userPK, limit, offset)
	return us, total, err
}

func blockersAmongSQL(n int) string {
	return "SELECT user_id FROM blocks WHERE blocked_id = ? AND user_id IN (" + placeholders(n) + ")"
}

// BlockersAmong returns which of pks blocked senderPK.
func (st *Store) BlockersAmong(ctx context.Context, senderPK int64, pks []int64) ([]int64, error) {
	var rows *sql.Rows
	var err error
	switch len(pks) {
	case 0:
		return nil, nil
	case 1:
		rows, err = st.stmts.blockedBy.QueryContext(ctx, senderPK, pks[0])
	default:
		rows, err = st.DB.QueryContext(ctx, blockersAmongSQL(len(pks)), append([]any{senderPK}, anySlice(pks)...)...)
	}
	return scanAll(rows, err, fmt.Sprint("blockers of ", senderPK), scanInt64)
}

func queryUsers(ctx context.Context, q querier, rest string, args ...any) ([]User, error) {
	cols := strings.ReplaceAll("users."+userColumns, ", ", ", users.")
	rows, err := q.QueryContext(ctx, "SELECT "+cols+" FROM users "+rest, args...)
	return scanAll(rows, err, "query users", scanUser)
}

// ListUsers pages the users whose id or name contains query, by id.
func (st *Store) ListUsers(ctx context.Context, query string, offset, limit int) ([]User, int, error) {
	where := `WHERE users.email LIKE ? ESCAPE '\' OR users.username LIKE ? ESCAPE '\'`
	pat := "%" + likeEscaper.Replace(query) + "%"
	var total int
	if err := st.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM users "+where, pat, pat).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	us, err := queryUsers(ctx, st.DB, where+" ORDER BY users.id LIMIT ? OFFSET ?", pat, pat, limit, offset)
	return us, total, err
}

// DeviceToken is a push token of a user. The server API registers ios and
// android tokens; the SDK API any platform name ("rn" before v2.16).
type DeviceToken struct {
	Token, Platform string
	IsDevelopment   bool
}

// setDeviceToken registers (on) or removes a push token; changed tells whether
// anything was written. Both APIs use it, so pn_*_configured does not depend
// on which registered the token.
func setDeviceToken(ctx context.Context, q querier, userPK int64, t DeviceToken, on bool, now time.Time) (bool, error) {
	var res sql.Result
	var err error
	if on {
		res, err = q.ExecContext(ctx, `INSERT INTO device_tokens (user_id, token, platform, is_development, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, token) DO UPDATE SET platform = excluded.platform,
			is_development = excluded.is_development
			WHERE platform != excluded.platform OR is_development != excluded.is_development`,
			userPK, t.Token, t.Platform, t.IsDevelopment, now.UnixNano())
	} else {
		res, err = q.ExecContext(ctx, "DELETE FROM device_tokens WHERE user_id = ? AND token = ?", userPK, t.Token)
	}
	if err != nil {
		return false, fmt.Errorf("device token: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (st *Store) SetDeviceToken(ctx context.Context, userPK int64, t DeviceToken, on bool, now time.Time) (bool, error) {
	return setDeviceToken(ctx, st.DB, userPK, t, on, now)
}

// PushConfigured reports whether the user has Android and iOS push tokens.
func (st *Store) PushConfigured(ctx context.Context, userPK int64) (android, ios bool, err error) {
	err = st.DB.QueryRowContext(ctx, `SELECT
		COALESCE(MAX(platform = 'android'), 0), COALESCE(MAX(platform = 'ios'), 0)
		FROM device_tokens WHERE user_id = ?`, userPK).Scan(&android, &ios)
	if err != nil {
		err = fmt.Errorf("device tokens of user %d: %w", userPK, err)
	}
	return android, ios, err
}

package chat

import (
	"context"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// Login creates the user or checks the password of the existing one (the SDK
// API's login_or_register); the token lives TokenTTL.
func (s *Service) Login(ctx context.Context, in store.LoginInput, now time.Time) (store.User, error) {
	return s.Store.LoginOrRegister(ctx, in, now, s.TokenTTL)
}

// IdentityLogin consumes an identity token's nonce and creates or updates
// its user (the SDK API's verify_identity_token).
func (s *Service) IdentityLogin(ctx context.Context, nonce, userID string, p store.Profile, now time.Time) (store.User, error) {
	return s.Store.IdentityLogin(ctx, nonce, userID, p, now, s.TokenTTL)
}

// UpsertUser creates or updates a user as the server API does (no password
// check); created reports which.
func (s *Service) UpsertUser(ctx context.Context, in store.UserInput, now time.Time) (store.User, bool, error) {
	return s.Store.UpsertUser(ctx, in, now, s.TokenTTL)
}

// UpdateProfile changes the user's name, avatar or extras; u is updated.
func (s *Service) UpdateProfile(ctx context.Context, u *store.User, up store.ProfileUpdate) error {
	return s.Store.UpdateProfile(ctx, u, up)
}

// RefreshToken rotates the token pair of the user holding refresh.
func (s *Service) RefreshToken(ctx context.Context, userID, refresh string, now time.Time) (store.User, error) {
	return s.Store.RefreshToken(ctx, userID, refresh, now, s.TokenTTL)
}

// ResetToken gives the user a new token pair; the old token stops working.
func (s *Service) ResetToken(ctx context.Context, userID string, now time.Time) (store.User, error) {
	u, _, err := s.Store.ResetToken(ctx, userID, now, s.TokenTTL)
	return u, err
}

// ExpireToken makes the user's token expire now; u is updated.
func (s *Service) ExpireToken(ctx context.Context, u *store.User, now time.Time) error {
	return s.Store.ExpireToken(ctx, u, now)
}

// SystemUser is the sender of the server API's system events, created on
// first use.
func (s *Service) SystemUser(ctx context.Context, id string, now time.Time) (store.User, error) {
	return s.Store.EnsureSystemUser(ctx, id, now)
}

// SetBlocked blocks or unblocks other for userPK; repeating either is a no-op.
func (s *Service) SetBlocked(ctx context.Context, userPK, otherPK int64, blocked bool, now time.Time) error {
	return s.Store.SetBlocked(ctx, userPK, otherPK, blocked, now)
}

// PushState says whether a user has a device token of each push platform.
type PushState struct{ Android, IOS bool }

// pushState is the user's PushState, whichever API registered the tokens.
func (s *Service) pushState(ctx context.Context, userPK int64) (PushState, error) {
	a, i, err := s.Store.PushConfigured(ctx, userPK)
	return PushState{a, i}, err
}

// SetDeviceToken registers (on) or removes a push token of the user and
// returns whether anything changed and the push state after it.
func (s *Service) SetDeviceToken(ctx context.Context, userPK int64, t store.DeviceToken, on bool, now time.Time) (bool, PushState, error) {
	changed, err := s.Store.SetDeviceToken(ctx, userPK, t, on, now)
	if err != nil {
		return false, PushState{}, err
	}
	ps, err := s.pushState(ctx, userPK)
	return changed, ps, err
}

// Import runs fn as one transaction of the comment writer: rows of users,
// rooms and comments become history, all or nothing. Imported comments are
// not published and fire no webhooks; ids stay in commit order, and posts
// wait for the import instead of racing it.
func (s *Service) Import(ctx context.Context, fn func(*store.ImportTx) error) error {
	return s.Store.Import(ctx, fn)
}

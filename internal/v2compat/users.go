package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// GetUserPresences is getUserPresences(userIds).
func GetUserPresences(ctx context.Context, s *Session, a Args) ([]byte, error) {
	ids, err := a.strs(0, "userIds", true)
	if err != nil {
		return nil, err
	}
	ps, err := s.Client.GetUserPresences(ctx, ids)
	if err != nil {
		return nil, err
	}
	res := list(ps, func(p sdk.Presence) sdk.RawMessage { return p.Raw })
	s.Push("userStatus", []any{sdk.RawMessage(res)}) // v2's user-status bus event
	return res, nil
}

// BlockUser is blockUser(userId).
func BlockUser(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return userCall(ctx, a, s.Client.BlockUser)
}

// UnblockUser is unblockUser(userId).
func UnblockUser(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return userCall(ctx, a, s.Client.UnblockUser)
}

func userCall(ctx context.Context, a Args, call func(context.Context, string) (*sdk.User, error)) ([]byte, error) {
	return withArg(a.str, "userId", func(uid string) ([]byte, error) { return userReply(call(ctx, uid)) })
}

// GetBlockedUser is getBlockedUser(page?, limit?).
func GetBlockedUser(ctx context.Context, s *Session, a Args) ([]byte, error) {
	us, err := s.Client.GetBlockedUser(ctx, sdk.PageOptions{Page: a.int(0), Limit: a.int(1)})
	if err != nil {
		return nil, err
	}
	return list(us, func(u *sdk.User) sdk.RawMessage { return u.Raw }), nil
}

// GetUsers is getUsers(query?, page?, limit?).
func GetUsers(ctx context.Context, s *Session, a Args) ([]byte, error) {
	q, err := a.str(0, "query", false)
	if err != nil {
		return nil, err
	}
	l, err := s.Client.GetUsers(ctx, sdk.UserSearchOptions{Query: q, PageOptions: sdk.PageOptions{Page: a.int(1), Limit: a.int(2)}})
	if err != nil {
		return nil, err
	}
	return l.Raw, nil
}

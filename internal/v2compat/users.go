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
	res, err := s.Client.GetUserPresences(ctx, ids)
	if err != nil {
		return nil, err
	}
	s.Push("userStatus", []any{res}) // v2's user-status bus event
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
	return withStr(a, "userId", func(uid string) ([]byte, error) { return userReply(call(ctx, uid)) })
}

// GetBlockedUser is getBlockedUser(page?, limit?).
func GetBlockedUser(ctx context.Context, s *Session, a Args) ([]byte, error) {
	return raw(s.Client.GetBlockedUser(ctx, a.int(0), a.int(1)))
}

// GetUsers is getUsers(query?, page?, limit?).
func GetUsers(ctx context.Context, s *Session, a Args) ([]byte, error) {
	q, err := a.str(0, "query", false)
	if err != nil {
		return nil, err
	}
	return raw(s.Client.GetUsers(ctx, q, a.int(1), a.int(2)))
}

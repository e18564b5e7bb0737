//go:build js && wasm

package main

import "github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"

var userMethods = []method{
	{"getUserPresences", v2(v2compat.GetUserPresences), false},
	{"blockUser", v2(v2compat.BlockUser), false},
	{"unblockUser", v2(v2compat.UnblockUser), false},
	{"getBlockedUser", v2(v2compat.GetBlockedUser), false},
	{"getUsers", v2(v2compat.GetUsers), false},
}

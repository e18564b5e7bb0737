//go:build js && wasm

package main

import "github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"

var authMethods = []method{
	{"init", v2(v2compat.Init), false},
	{"setUser", v2(v2compat.SetUser), false},
	{"getNonce", v2(v2compat.GetNonce), false},
	{"verifyIdentityToken", v2(v2compat.VerifyIdentityToken), false},
	{"setUserWithIdentityToken", v2(v2compat.SetUserWithIdentityToken), false},
	{"refreshAuthToken", v2(v2compat.RefreshAuthToken), false},
	{"logout", v2(v2compat.Disconnect), false},
	{"disconnect", v2(v2compat.Disconnect), false},
	{"updateProfile", v2(v2compat.UpdateProfile), false},
	{"getUserProfile", v2(v2compat.GetUserProfile), false},
	{"setCustomHeader", v2(v2compat.SetCustomHeader), false},
	{"setHooks", v2(v2compat.SetHooks), false},
	{"registerDeviceToken", v2(v2compat.RegisterDeviceToken), false},
	{"removeDeviceToken", v2(v2compat.RemoveDeviceToken), false},
}

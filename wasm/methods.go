//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strings"
	"syscall/js"

	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// method is one QiscusSDKCore member. call converts what JSON cannot
// carry (a File, a callback: extra) and hands over to the adapter; sync
// members return at once in v2 and must not wait on I/O.
type method struct {
	name string
	call func(inst *instance, a v2compat.Args, extra []js.Value) ([]byte, error)
	sync bool
}

// v2 is a member whose arguments are all JSON: the adapter does the rest.
func v2(h v2compat.Handler) func(*instance, v2compat.Args, []js.Value) ([]byte, error) {
	return func(inst *instance, a v2compat.Args, _ []js.Value) ([]byte, error) {
		return h(inst.ctx, inst.session, a)
	}
}

// table is every member, by area. Adding one is a row here and a handler
// in internal/v2compat.
var table = []method{
	// Auth and the session
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
	{"setDebugMode", v2(v2compat.SetDebugMode), false},
	{"setUploadURL", v2(v2compat.SetUploadURL), false},

	// Rooms
	{"chatTarget", v2(v2compat.ChatTarget), false},
	{"getRoomById", v2(v2compat.GetRoomByID), false},
	{"chatGroup", v2(v2compat.GetRoomByID), false},
	{"getOrCreateRoomByUniqueId", v2(v2compat.GetOrCreateRoomByUniqueID), false},
	{"getOrCreateRoomByChannel", v2(v2compat.GetOrCreateRoomByUniqueID), false},
	{"createGroupRoom", v2(v2compat.CreateGroupRoom), false},
	{"getRoomsInfo", v2(v2compat.GetRoomsInfo), false},
	{"loadRoomList", v2(v2compat.LoadRoomList), false},
	{"updateRoom", v2(v2compat.UpdateRoom), false},
	{"addParticipantsToGroup", v2(v2compat.AddParticipantsToGroup), false},
	{"removeParticipantsFromGroup", v2(v2compat.RemoveParticipantsFromGroup), false},
	{"getParticipants", v2(v2compat.GetParticipants), false},
	{"getTotalUnreadCount", v2(v2compat.GetTotalUnreadCount), false},
	{"getRoomUnreadCount", v2(v2compat.GetRoomUnreadCount), false},
	{"exitChatRoom", v2(v2compat.ExitChatRoom), false},
	{"clearRoomMessages", v2(v2compat.ClearRoomMessages), false},
	{"setActiveRoom", v2(v2compat.SetActiveRoom), false},
	{"clearRoomsCache", v2(v2compat.ClearRoomsCache), false},
	{"removeSelectedRoomParticipants", v2(v2compat.RemoveSelectedRoomParticipants), false},
	{"getRoomParticipants", v2(v2compat.GetRoomParticipants), false},

	// Messages
	{"sendComment", v2(v2compat.SendComment), false},
	{"loadComments", v2(v2compat.LoadComments), false},
	{"loadMore", v2(v2compat.LoadMore), false},
	{"readComment", v2(v2compat.ReadComment), false},
	{"receiveComment", v2(v2compat.ReceiveComment), false},
	{"deleteComment", v2(v2compat.DeleteComment), false},
	{"updateMessage", v2(v2compat.UpdateMessage), false},
	{"resendComment", v2(v2compat.ResendComment), false},
	{"searchMessages", v2(v2compat.SearchMessages), false},
	{"searchMessage", v2(v2compat.SearchMessage), false},
	{"getFileList", v2(v2compat.GetFileList), false},
	{"generateMessage", v2(v2compat.GenerateMessage), true},
	{"generateFileAttachmentMessage", v2(v2compat.GenerateFileAttachmentMessage), true},
	{"generateCustomMessage", v2(v2compat.GenerateCustomMessage), true},
	{"generateReplyMessage", v2(v2compat.GenerateReplyMessage), true},
	{"getThumbnailURL", v2(v2compat.GetThumbnailURL), true},
	{"getBlurryThumbnailURL", v2(v2compat.GetBlurryThumbnailURL), true},
	{"prepareCommentToBeSubmitted", v2(v2compat.PrepareCommentToBeSubmitted), true},
	{"sortComments", v2(v2compat.SortComments), false},
	{"updateLastReceivedComment", v2(v2compat.UpdateLastReceivedComment), false},

	// Realtime: typing, presence, custom events, sync
	{"publishTyping", v2(v2compat.PublishTyping), false},
	{"publishEvent", v2(v2compat.PublishEvent), false},
	{"subscribeEvent", v2(v2compat.SubscribeEvent), false},
	{"unsubscribeEvent", v2(v2compat.UnsubscribeEvent), false},
	{"subscribeUserPresence", v2(v2compat.SubscribeUserPresence), false},
	{"unsubscribeUserPresence", v2(v2compat.UnsubscribeUserPresence), false},
	{"publishOnlinePresence", v2(v2compat.PublishOnlinePresence), false},
	{"synchronize", v2(v2compat.Synchronize), false},
	{"synchronizeEvent", v2(v2compat.SynchronizeEvent), false},
	{"startSync", v2(v2compat.StartSync), false},
	{"stopSync", v2(v2compat.StopSync), false},
	{"closeRealtimeConnection", v2(v2compat.CloseRealtimeConnection), false},
	{"openRealtimeConnection", v2(v2compat.OpenRealtimeConnection), false},

	// Users
	{"getUserPresences", v2(v2compat.GetUserPresences), false},
	{"blockUser", v2(v2compat.BlockUser), false},
	{"unblockUser", v2(v2compat.UnblockUser), false},
	{"getBlockedUser", v2(v2compat.GetBlockedUser), false},
	{"getUsers", v2(v2compat.GetUsers), false},

	// Files: the File and the callback are not JSON (methods_files.go)
	{"upload", upload, false},
	{"uploadFile", upload, false},
}

// methods is the table by name.
var methods = func() map[string]method {
	m := make(map[string]method, len(table))
	for _, x := range table {
		if _, dup := m[x.name]; dup {
			panic("wasm: method " + x.name + " listed twice")
		}
		m[x.name] = x
	}
	return m
}()

// methodList is the table for the shim's table test
// (js/test/api-surface.test.mjs): {all: [...], sync: [...]}, sorted.
func methodList() map[string]any {
	var all, syncs []any
	for _, m := range table {
		all = append(all, m.name)
		if m.sync {
			syncs = append(syncs, m.name)
		}
	}
	byName := func(a, b any) int { return strings.Compare(a.(string), b.(string)) }
	slices.SortFunc(all, byName)
	slices.SortFunc(syncs, byName)
	return map[string]any{"all": all, "sync": syncs}
}

func (inst *instance) dispatch(name, argsJSON string, extra []js.Value) ([]byte, error) {
	a, err := v2compat.ParseArgs(name, argsJSON)
	if err != nil {
		return nil, err
	}
	m, ok := methods[name]
	if !ok {
		return nil, fmt.Errorf("%w: unknown method %q", sdk.ErrInvalidArgument, name)
	}
	return m.call(inst, a, extra)
}

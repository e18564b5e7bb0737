//go:build js && wasm

package main

import "github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"

var roomMethods = []method{
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
}

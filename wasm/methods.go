//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// args is a call's decoded argument list with v2-style validation helpers
// whose errors name the method and the argument.
type args struct {
	method string
	raw    []sdk.RawMessage
	extra  []js.Value
}

func (a args) present(i int) bool {
	return i < len(a.raw) && len(a.raw[i]) > 0 && string(a.raw[i]) != "null"
}

func (a args) bad(name, problem string) error {
	return fmt.Errorf("%w: %s: %s %s", sdk.ErrInvalidArgument, a.method, name, problem)
}

func (a args) str(i int, name string, required bool) (string, error) {
	if !a.present(i) {
		if required {
			return "", a.bad(name, "is required")
		}
		return "", nil
	}
	var s string
	if err := jsonx.Unmarshal(a.raw[i], &s); err != nil {
		var n jsonx.RawMessage
		if jsonx.Unmarshal(a.raw[i], &n) == nil && len(n) > 0 && (n[0] == '-' || (n[0] >= '0' && n[0] <= '9')) {
			return string(n), nil // ids given as numbers are fine
		}
		return "", a.bad(name, "must be a string")
	}
	if required && strings.TrimSpace(s) == "" {
		return "", a.bad(name, "is required")
	}
	return s, nil
}

// id accepts a number or a numeric string, as v2 apps pass both.
func (a args) id(i int, name string, required bool) (int64, error) {
	if !a.present(i) {
		if required {
			return 0, a.bad(name, "is required")
		}
		return 0, nil
	}
	s := strings.Trim(string(bytes.TrimSpace(a.raw[i])), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, a.bad(name, "must be a positive id")
	}
	return n, nil
}

func (a args) object(i int, name string) (sdk.RawMessage, error) {
	if !a.present(i) {
		return nil, nil
	}
	if a.raw[i][0] != '{' {
		return nil, a.bad(name, "must be an object")
	}
	return a.raw[i], nil
}

// payload is v2's sendComment payload: an object, or a JSON string of one.
func (a args) payload(i int, name string) (sdk.RawMessage, error) {
	if !a.present(i) {
		return nil, nil
	}
	if a.raw[i][0] == '"' {
		var s string
		_ = jsonx.Unmarshal(a.raw[i], &s)
		if s == "" {
			return nil, nil
		}
		if !jsonx.Valid([]byte(s)) {
			return nil, a.bad(name, "must be an object or a JSON string")
		}
		return sdk.RawMessage(s), nil
	}
	return a.raw[i], nil
}

// decode unmarshals an object argument into v.
func (a args) decode(i int, name string, v any, required bool) error {
	if !a.present(i) {
		if required {
			return a.bad(name, "is required")
		}
		return nil
	}
	if a.raw[i][0] != '{' {
		return a.bad(name, "must be an object")
	}
	if err := jsonx.Unmarshal(a.raw[i], v); err != nil {
		return a.bad(name, "has a field of the wrong type: "+err.Error())
	}
	return nil
}

// strs is an array of ids; numbers are accepted and stringified.
func (a args) strs(i int, name string, required bool) ([]string, error) {
	if !a.present(i) {
		if required {
			return nil, a.bad(name, "must be an array")
		}
		return nil, nil
	}
	var raw []sdk.RawMessage
	if a.raw[i][0] != '[' || jsonx.Unmarshal(a.raw[i], &raw) != nil {
		return nil, a.bad(name, "must be an array")
	}
	out := make([]string, 0, len(raw))
	for k := range raw {
		s, err := args{method: a.method, raw: raw}.str(k, fmt.Sprintf("%s[%d]", name, k), true)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// int is an optional number (page, limit); 0 when absent or not a number.
func (a args) int(i int) int {
	if !a.present(i) {
		return 0
	}
	n, _ := strconv.Atoi(strings.Trim(string(a.raw[i]), `"`))
	return n
}

func (a args) boolDefault(i int, def bool) bool {
	if !a.present(i) {
		return def
	}
	return a.boolish(i)
}

func (a args) boolish(i int) bool {
	if !a.present(i) {
		return false
	}
	switch strings.Trim(string(a.raw[i]), `"`) {
	case "1", "true":
		return true
	}
	return false
}

type initConfig struct {
	AppID         string            `json:"AppId"`
	BaseURL       string            `json:"baseURL"`
	MQTTURL       string            `json:"mqttURL"`
	BrokerURL     string            `json:"brokerUrl"`
	WithConfig    *bool             `json:"withConfig"`
	SyncInterval  int64             `json:"syncInterval"`
	SyncOnConnect int64             `json:"syncOnConnect"`
	DebugMode     bool              `json:"debugMode"`
	CustomHeaders map[string]string `json:"customHeaders"`
}

type handler func(inst *instance, a args) ([]byte, error)

func (inst *instance) dispatch(method, argsJSON string, extra []js.Value) ([]byte, error) {
	var raw []sdk.RawMessage
	if err := jsonx.Unmarshal([]byte(argsJSON), &raw); err != nil {
		return nil, fmt.Errorf("%w: %s: arguments are not serialisable: %v", sdk.ErrInvalidArgument, method, err)
	}
	h, ok := methods[method]
	if !ok {
		return nil, fmt.Errorf("%w: unknown method %q", sdk.ErrInvalidArgument, method)
	}
	return h(inst, args{method: method, raw: raw, extra: extra})
}

// syncMethods are pure and return synchronously in v2.
var syncMethods = map[string]bool{
	"getThumbnailURL": true, "getBlurryThumbnailURL": true, "generateMessage": true,
	"generateFileAttachmentMessage": true, "generateCustomMessage": true, "generateReplyMessage": true,
}

// methods maps each v2 method to its Go call. Argument order and defaults
// are v2's; results are JSON in v2's shapes.
var methods map[string]handler

func init() {
	methods = map[string]handler{
		"init":     mInit,
		"setUser":  mSetUser,
		"getNonce": func(i *instance, a args) ([]byte, error) { return result(i.client.GetNonce(i.ctx)) },
		"verifyIdentityToken": func(i *instance, a args) ([]byte, error) {
			tok, err := a.str(0, "identityToken", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.VerifyIdentityToken(i.ctx, tok))
		},
		"setUserWithIdentityToken": func(i *instance, a args) ([]byte, error) {
			data, err := a.object(0, "data")
			if err != nil || data == nil {
				return nil, a.bad("data", "must be the object verifyIdentityToken resolved with")
			}
			return result(i.client.SetUserWithIdentityToken(i.ctx, data))
		},
		"refreshAuthToken": func(i *instance, a args) ([]byte, error) { return result(i.client.RefreshAuthToken(i.ctx)) },
		"logout":           func(i *instance, a args) ([]byte, error) { return nil, i.client.Disconnect(i.ctx) },
		"disconnect":       func(i *instance, a args) ([]byte, error) { return nil, i.client.Disconnect(i.ctx) },
		"updateProfile": func(i *instance, a args) ([]byte, error) {
			var p struct {
				Name      string         `json:"name"`
				AvatarURL string         `json:"avatar_url"`
				Extras    sdk.RawMessage `json:"extras"`
			}
			if err := a.decode(0, "profile", &p, true); err != nil {
				return nil, err
			}
			u, err := i.client.UpdateProfile(i.ctx, p.Name, p.AvatarURL, p.Extras)
			if err != nil {
				return nil, err
			}
			_ = i.client.FlushEvents(i.ctx) // after the _state the update emitted, as before
			i.push("updateProfile", []any{a.raw[0]})
			return u, nil
		},
		"getUserProfile": func(i *instance, a args) ([]byte, error) { return result(i.client.GetUserProfile(i.ctx)) },

		"chatTarget": func(i *instance, a args) ([]byte, error) {
			id, err := a.str(0, "userId", true)
			if err != nil {
				return nil, err
			}
			opts, err := a.object(1, "options")
			if err != nil {
				return nil, err
			}
			return roomResult(i.client.ChatTarget(i.ctx, id, opts))
		},
		"getRoomById":               mGetRoom,
		"chatGroup":                 mGetRoom,
		"getOrCreateRoomByUniqueId": mUniqueRoom,
		"getOrCreateRoomByChannel":  mUniqueRoom,
		"createGroupRoom": func(i *instance, a args) ([]byte, error) {
			name, err := a.str(0, "name", true)
			if err != nil {
				return nil, err
			}
			ids, err := a.strs(1, "userIds", true)
			if err != nil {
				return nil, err
			}
			opts, err := a.object(2, "options")
			if err != nil {
				return nil, err
			}
			r, err := i.client.CreateGroupRoom(i.ctx, name, ids, opts)
			if err != nil {
				return nil, err
			}
			return v2compat.GroupJSON(r), nil
		},
		"getRoomsInfo": func(i *instance, a args) ([]byte, error) {
			var o sdk.RoomsInfoOptions
			if err := a.decode(0, "options", &o, false); err != nil {
				return nil, err
			}
			return result(i.client.GetRoomsInfo(i.ctx, o))
		},
		"loadRoomList": func(i *instance, a args) ([]byte, error) {
			var o sdk.RoomListOptions
			if err := a.decode(0, "options", &o, false); err != nil {
				return nil, err
			}
			rooms, err := i.client.LoadRoomList(i.ctx, o)
			if err != nil {
				return nil, err
			}
			out := make([]sdk.RawMessage, len(rooms))
			for k, r := range rooms {
				out[k] = v2compat.RoomJSON(r)
			}
			return v2compat.AppendJSON(nil, out), nil
		},
		"updateRoom": func(i *instance, a args) ([]byte, error) {
			var o struct {
				ID        sdk.RawMessage `json:"id"`
				RoomName  string         `json:"room_name"`
				AvatarURL string         `json:"avatar_url"`
				Options   sdk.RawMessage `json:"options"`
			}
			if err := a.decode(0, "room", &o, true); err != nil {
				return nil, err
			}
			id, err := args{method: a.method, raw: []sdk.RawMessage{o.ID}}.id(0, "room.id", true)
			if err != nil {
				return nil, err
			}
			opts := o.Options
			if len(opts) > 0 && opts[0] == '"' { // already a JSON string
				var s string
				_ = jsonx.Unmarshal(opts, &s)
				opts = sdk.RawMessage(s)
			}
			return result(i.client.UpdateRoom(i.ctx, id, o.RoomName, o.AvatarURL, opts))
		},
		"addParticipantsToGroup":      mParticipants(true),
		"removeParticipantsFromGroup": mParticipants(false),
		"getParticipants": func(i *instance, a args) ([]byte, error) {
			uid, err := a.str(0, "roomUniqueId", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.GetParticipants(i.ctx, uid, a.int(1), a.int(2)))
		},
		"getTotalUnreadCount": func(i *instance, a args) ([]byte, error) {
			n, err := i.client.GetTotalUnreadCount(i.ctx)
			return v2compat.AppendJSON(nil, n), err
		},
		"getRoomUnreadCount": func(i *instance, a args) ([]byte, error) {
			n, err := i.client.GetRoomUnreadCount(i.ctx)
			return v2compat.AppendJSON(nil, n), err
		},
		"exitChatRoom": func(i *instance, a args) ([]byte, error) { i.client.ExitChatRoom(); return nil, nil },
		"clearRoomMessages": func(i *instance, a args) ([]byte, error) {
			ids, err := a.strs(0, "roomUniqueIds", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.ClearRoomMessages(i.ctx, ids))
		},

		"sendComment":    mSendComment,
		"loadComments":   mLoad,
		"loadMore":       mLoad,
		"readComment":    mReceipt(true),
		"receiveComment": mReceipt(false),
		"deleteComment": func(i *instance, a args) ([]byte, error) {
			room, err := a.id(0, "roomId", false)
			if err != nil {
				return nil, err
			}
			ids, err := a.strs(1, "commentUniqueIds", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.DeleteComment(i.ctx, room, ids, a.boolDefault(2, true), a.boolDefault(3, true)))
		},
		"updateMessage": func(i *instance, a args) ([]byte, error) {
			var m struct {
				Message      string         `json:"message"`
				UniqueID     string         `json:"unique_id"`
				UniqueTempID string         `json:"unique_temp_id"`
				Extras       sdk.RawMessage `json:"extras"`
				Payload      sdk.RawMessage `json:"payload"`
			}
			if err := a.decode(0, "message", &m, true); err != nil {
				return nil, err
			}
			if m.UniqueID == "" {
				m.UniqueID = m.UniqueTempID
			}
			return result(i.client.UpdateMessage(i.ctx, m.UniqueID, m.Message, m.Extras, m.Payload))
		},
		"resendComment": func(i *instance, a args) ([]byte, error) {
			var m struct {
				RoomID       sdk.RawMessage `json:"room_id"`
				Message      string         `json:"message"`
				UniqueID     string         `json:"unique_id"`
				UniqueTempID string         `json:"unique_temp_id"`
				Type         string         `json:"type"`
				Payload      sdk.RawMessage `json:"payload"`
				Extras       sdk.RawMessage `json:"extras"`
			}
			if err := a.decode(0, "comment", &m, true); err != nil {
				return nil, err
			}
			rid, err := args{method: a.method, raw: []sdk.RawMessage{m.RoomID}}.id(0, "comment.room_id", true)
			if err != nil {
				return nil, err
			}
			if m.UniqueID == "" {
				m.UniqueID = m.UniqueTempID
			}
			if _, err := i.client.ResendComment(i.ctx, &sdk.Comment{RoomID: rid, Message: m.Message, UniqueTempID: m.UniqueID,
				Type: m.Type, Payload: nullToNil(m.Payload), Extras: nullToNil(m.Extras)}); err != nil {
				return nil, err
			}
			if sel := i.client.Selected(); sel != nil {
				return v2compat.RoomJSON(sel), nil
			}
			return nil, nil
		},
		"searchMessages": func(i *instance, a args) ([]byte, error) {
			var o struct {
				Query         string         `json:"query"`
				RoomID        sdk.RawMessage `json:"room_id"`
				LastCommentID sdk.RawMessage `json:"last_comment_id"`
			}
			if err := a.decode(0, "options", &o, true); err != nil {
				return nil, err
			}
			rid, _ := args{raw: []sdk.RawMessage{o.RoomID}}.id(0, "", false)
			last, _ := args{raw: []sdk.RawMessage{o.LastCommentID}}.id(0, "", false)
			cs, err := i.client.SearchMessages(i.ctx, o.Query, rid, last)
			if err != nil {
				return nil, err
			}
			return commentsV2(cs), nil
		},
		"searchMessage": func(i *instance, a args) ([]byte, error) {
			var o sdk.SearchOptions
			if err := a.decode(0, "options", &o, true); err != nil {
				return nil, err
			}
			return result(i.client.SearchMessage(i.ctx, o))
		},
		"getFileList": func(i *instance, a args) ([]byte, error) {
			var o sdk.FileListOptions
			if err := a.decode(0, "options", &o, false); err != nil {
				return nil, err
			}
			return result(i.client.GetFileList(i.ctx, o))
		},
		"generateMessage":               mGenerate("text"),
		"generateFileAttachmentMessage": mGenerate("file"),
		"generateCustomMessage":         mGenerate("custom"),
		"generateReplyMessage":          mGenerate("reply"),
		"getThumbnailURL": func(i *instance, a args) ([]byte, error) {
			u, err := a.str(0, "url", true)
			if err != nil {
				return nil, err
			}
			return v2compat.AppendJSON(nil, sdk.ThumbnailURL(u, false)), nil
		},
		"getBlurryThumbnailURL": func(i *instance, a args) ([]byte, error) {
			u, err := a.str(0, "url", true)
			if err != nil {
				return nil, err
			}
			return v2compat.AppendJSON(nil, sdk.ThumbnailURL(u, true)), nil
		},
		"upload":     mUpload(false),
		"uploadFile": mUpload(true),

		"publishTyping": func(i *instance, a args) ([]byte, error) {
			if !a.present(0) {
				return nil, a.bad("value", "is required (1 or 0)")
			}
			return nil, i.client.PublishTypingSelected(i.ctx, a.boolish(0))
		},
		"publishEvent": func(i *instance, a args) ([]byte, error) {
			room, err := a.str(0, "roomId", true)
			if err != nil {
				return nil, err
			}
			if !a.present(1) {
				return nil, a.bad("payload", "is required")
			}
			data, err := a.object(1, "payload")
			if err != nil {
				return nil, err
			}
			return nil, i.client.PublishEvent(i.ctx, room, data)
		},
		"subscribeEvent": func(i *instance, a args) ([]byte, error) {
			room, err := a.str(0, "roomId", true)
			if err != nil {
				return nil, err
			}
			return nil, i.client.SubscribeEvent(i.ctx, room, func(ev sdk.RawMessage) {
				i.push("_customEvent", []any{room, ev})
			})
		},
		"unsubscribeEvent": func(i *instance, a args) ([]byte, error) {
			room, err := a.str(0, "roomId", true)
			if err != nil {
				return nil, err
			}
			return nil, i.client.UnsubscribeEvent(i.ctx, room)
		},
		"subscribeUserPresence": func(i *instance, a args) ([]byte, error) {
			uid, err := a.str(0, "userId", true)
			if err != nil {
				return nil, err
			}
			return nil, i.client.SubscribeUserPresence(i.ctx, uid)
		},
		"unsubscribeUserPresence": func(i *instance, a args) ([]byte, error) {
			uid, err := a.str(0, "userId", true)
			if err != nil {
				return nil, err
			}
			return nil, i.client.UnsubscribeUserPresence(i.ctx, uid)
		},
		"publishOnlinePresence": func(i *instance, a args) ([]byte, error) {
			if !a.present(0) {
				return nil, a.bad("online", "is required (true or false)")
			}
			return nil, i.client.PublishOnlinePresence(i.ctx, a.boolish(0))
		},
		"getUserPresences": func(i *instance, a args) ([]byte, error) {
			ids, err := a.strs(0, "userIds", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.GetUserPresences(i.ctx, ids))
		},
		"blockUser": func(i *instance, a args) ([]byte, error) {
			uid, err := a.str(0, "userId", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.BlockUser(i.ctx, uid))
		},
		"unblockUser": func(i *instance, a args) ([]byte, error) {
			uid, err := a.str(0, "userId", true)
			if err != nil {
				return nil, err
			}
			return result(i.client.UnblockUser(i.ctx, uid))
		},
		"getBlockedUser": func(i *instance, a args) ([]byte, error) {
			return result(i.client.GetBlockedUser(i.ctx, a.int(0), a.int(1)))
		},
		"getUsers": func(i *instance, a args) ([]byte, error) {
			q, err := a.str(0, "query", false)
			if err != nil {
				return nil, err
			}
			return result(i.client.GetUsers(i.ctx, q, a.int(1), a.int(2)))
		},

		"registerDeviceToken": mDeviceToken(true),
		"removeDeviceToken":   mDeviceToken(false),
		"synchronize":         func(i *instance, a args) ([]byte, error) { return nil, i.client.Sync(i.ctx) },
		"synchronizeEvent":    func(i *instance, a args) ([]byte, error) { return nil, i.client.SyncEvents(i.ctx) },
		"setCustomHeader": func(i *instance, a args) ([]byte, error) {
			var h map[string]string
			if !a.present(0) || jsonx.Unmarshal(a.raw[0], &h) != nil {
				return nil, a.bad("headers", "must be an object of strings")
			}
			i.client.SetCustomHeader(h)
			return nil, nil
		},
		"setHooks": mSetHooks,
	}
}

func mInit(inst *instance, a args) ([]byte, error) {
	var ic initConfig
	if !a.present(0) || a.raw[0][0] != '{' {
		return nil, a.bad("config", "must be an object with AppId")
	}
	if err := jsonx.Unmarshal(a.raw[0], &ic); err != nil {
		return nil, a.bad("config", "is malformed: "+err.Error())
	}
	cfg := sdk.Config{AppID: ic.AppID, BaseURL: ic.BaseURL, MQTTURL: ic.MQTTURL, WithConfig: true,
		CustomHeaders: ic.CustomHeaders, OnEvent: v2compat.Bind(inst.client, inst.push)}
	if ic.MQTTURL != "" && ic.BrokerURL != "" {
		cfg.MQTTURL = ic.BrokerURL
	}
	if ic.WithConfig != nil {
		cfg.WithConfig = *ic.WithConfig
	}
	cfg.SyncInterval = msDuration(ic.SyncInterval)
	cfg.SyncOnConnect = msDuration(ic.SyncOnConnect)
	if ic.DebugMode {
		cfg.Logger = consoleLogger{}
	}
	return nil, inst.client.Init(inst.ctx, cfg)
}

func mSetUser(inst *instance, a args) ([]byte, error) {
	id, err := a.str(0, "userId", true)
	if err != nil {
		return nil, err
	}
	key, err := a.str(1, "userKey", true)
	if err != nil {
		return nil, err
	}
	name, err := a.str(2, "username", false)
	if err != nil {
		return nil, err
	}
	avatar, err := a.str(3, "avatarURL", false)
	if err != nil {
		return nil, err
	}
	extras, err := a.object(4, "extras")
	if err != nil {
		return nil, err
	}
	return result(inst.client.SetUser(inst.ctx, id, key, name, avatar, extras))
}

func mGetRoom(inst *instance, a args) ([]byte, error) {
	id, err := a.id(0, "roomId", true)
	if err != nil {
		return nil, err
	}
	return roomResult(inst.client.GetRoomByID(inst.ctx, id))
}

func mUniqueRoom(inst *instance, a args) ([]byte, error) {
	uid, err := a.str(0, "uniqueId", true)
	if err != nil {
		return nil, err
	}
	name, err := a.str(1, "roomName", false)
	if err != nil {
		return nil, err
	}
	avatar, err := a.str(2, "avatarURL", false)
	if err != nil {
		return nil, err
	}
	return roomResult(inst.client.GetOrCreateRoomByUniqueID(inst.ctx, uid, name, avatar))
}

func mParticipants(add bool) handler {
	return func(inst *instance, a args) ([]byte, error) {
		room, err := a.id(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		ids, err := a.strs(1, "userIds", true)
		if err != nil {
			return nil, err
		}
		if add {
			return result(inst.client.AddParticipantsToGroup(inst.ctx, room, ids))
		}
		return result(inst.client.RemoveParticipantsFromGroup(inst.ctx, room, ids))
	}
}

func mReceipt(read bool) handler {
	return func(inst *instance, a args) ([]byte, error) {
		room, err := a.id(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		id, err := a.id(1, "commentId", true)
		if err != nil {
			return nil, err
		}
		if read {
			return nil, inst.client.ReadComment(room, id)
		}
		return nil, inst.client.ReceiveComment(room, id)
	}
}

func mSendComment(inst *instance, a args) ([]byte, error) {
	room, err := a.id(0, "roomId", true)
	if err != nil {
		return nil, err
	}
	text, err := a.str(1, "text", false)
	if err != nil {
		return nil, err
	}
	uniq, err := a.str(2, "uniqueId", false)
	if err != nil {
		return nil, err
	}
	typ, err := a.str(3, "type", false)
	if err != nil {
		return nil, err
	}
	payload, err := a.payload(4, "payload")
	if err != nil {
		return nil, err
	}
	extras, err := a.object(5, "extras")
	if err != nil {
		return nil, err
	}
	cm, err := inst.client.SendComment(inst.ctx, room, text, uniq, typ, payload, extras)
	if err != nil {
		return nil, err
	}
	return v2compat.CommentJSON(cm), nil
}

func mLoad(inst *instance, a args) ([]byte, error) {
	var room int64
	var o struct {
		LastCommentID sdk.RawMessage `json:"last_comment_id"`
		After         any            `json:"after"`
		Limit         int            `json:"limit"`
	}
	if a.method == "loadMore" {
		sel := inst.client.Selected()
		if sel == nil {
			return nil, fmt.Errorf("loadMore: %w", sdk.ErrNoRoomSelected)
		}
		room = sel.ID
	} else {
		var err error
		if room, err = a.id(0, "roomId", true); err != nil {
			return nil, err
		}
	}
	if err := a.decode(1, "options", &o, false); err != nil {
		return nil, err
	}
	lo := sdk.LoadOptions{Limit: o.Limit}
	if a.method == "loadMore" {
		id, err := a.id(0, "lastCommentId", true)
		if err != nil {
			return nil, err
		}
		lo.LastCommentID = id
	} else if len(o.LastCommentID) > 0 && string(o.LastCommentID) != "null" {
		id, err := args{method: a.method, raw: []sdk.RawMessage{o.LastCommentID}}.id(0, "options.last_comment_id", false)
		if err != nil {
			return nil, err
		}
		lo.LastCommentID = id
	}
	lo.After = o.After == true || o.After == "true"
	cs, err := inst.client.LoadComments(inst.ctx, room, lo)
	if err != nil {
		return nil, err
	}
	out := make([]sdk.RawMessage, len(cs))
	for i, cm := range cs {
		out[i] = cm.Raw
	}
	return v2compat.AppendJSON(nil, out), nil
}

func mGenerate(kind string) handler {
	return func(inst *instance, a args) ([]byte, error) {
		var o struct {
			RoomID         sdk.RawMessage `json:"roomId"`
			Text           *string        `json:"text"`
			Extras         sdk.RawMessage `json:"extras"`
			Caption        string         `json:"caption"`
			URL            string         `json:"url"`
			Filename       string         `json:"filename"`
			Size           any            `json:"size"`
			Type           string         `json:"type"`
			Payload        any            `json:"payload"`
			RepliedMessage map[string]any `json:"repliedMessage"`
		}
		if err := a.decode(0, "options", &o, true); err != nil {
			return nil, err
		}
		room, err := args{method: a.method, raw: []sdk.RawMessage{o.RoomID}}.id(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		text := ""
		if o.Text != nil {
			text = *o.Text
		}
		typ := "text"
		var payload map[string]any
		switch kind {
		case "file":
			typ = "file_attachment"
			if o.Text == nil {
				text = "File attachment"
			}
			if o.URL == "" {
				return nil, a.bad("url", "is required")
			}
			payload = map[string]any{"url": o.URL, "file_name": o.Filename, "size": o.Size, "caption": o.Caption}
		case "custom":
			typ = "custom"
			if o.Type == "" {
				return nil, a.bad("type", "is required")
			}
			payload = map[string]any{"type": o.Type, "content": o.Payload}
		case "reply":
			typ = "reply"
			r := o.RepliedMessage
			if r == nil {
				return nil, a.bad("repliedMessage", "is required")
			}
			rm := r["message"]
			if r["type"] == "reply" {
				if p, ok := r["payload"].(map[string]any); ok {
					rm = p["text"]
				}
			}
			email := r["email"]
			if email == nil {
				email = r["username_real"]
			}
			name := r["username"]
			if name == nil {
				name = r["username_as"]
			}
			payload = map[string]any{"text": text, "replied_comment_id": r["id"], "replied_comment_message": rm,
				"replied_comment_type": r["type"], "replied_comment_payload": r["payload"],
				"replied_comment_sender_username": name, "replied_comment_sender_email": email}
		}
		cm, err := inst.client.GenerateMessage(kind, room, text, nullToNil(o.Extras), payload, typ)
		if err != nil {
			return nil, err
		}
		return v2compat.CommentJSON(cm), nil
	}
}

func mSetHooks(inst *instance, a args) ([]byte, error) {
	var on struct {
		BeforeSent     bool `json:"message::before-sent"`
		BeforeReceived bool `json:"message::before-received"`
		Formatter      bool `json:"commentFormatter"`
	}
	if err := a.decode(0, "hooks", &on, true); err != nil {
		return nil, err
	}
	var h sdk.Hooks
	if on.BeforeSent {
		h.BeforeSend = v2compat.BeforeSend(func(ctx context.Context, c []byte) ([]byte, error) {
			return inst.hook(ctx, "message::before-sent", c)
		})
	}
	if on.BeforeReceived {
		h.BeforeReceive = func(ctx context.Context, c sdk.RawMessage) (sdk.RawMessage, error) {
			return inst.hook(ctx, "message::before-received", c)
		}
	}
	if on.Formatter {
		h.FormatText = func(ctx context.Context, text string) (string, error) {
			in, _ := jsonx.Marshal(text)
			out, err := inst.hook(ctx, "commentFormatter", in)
			if err != nil {
				return text, err
			}
			var s string
			if err := jsonx.Unmarshal(out, &s); err != nil {
				return text, errors.New("commentFormaterCallback must return a string")
			}
			return s, nil
		}
	}
	inst.client.SetHooks(h)
	return nil, nil
}

func mUpload(withRoom bool) handler {
	return func(inst *instance, a args) ([]byte, error) {
		fileIdx := 0
		var room int64
		if withRoom {
			var err error
			if room, err = a.id(0, "roomId", true); err != nil {
				return nil, err
			}
			fileIdx = 1
		}
		if len(a.extra) < 1 || a.extra[0].Type() != js.TypeObject {
			return nil, a.bad("file", "must be a File or Blob")
		}
		var progress func(js.Value)
		if len(a.extra) > 1 && a.extra[1].Type() == js.TypeFunction {
			cb := a.extra[1]
			progress = func(ev js.Value) { cb.Invoke(js.Null(), ev) }
		}
		_ = fileIdx
		url, cm, err := inst.client.UploadBlob(inst.ctx, room, a.extra[0], progress)
		if err != nil {
			return nil, err
		}
		if len(a.extra) > 1 && a.extra[1].Type() == js.TypeFunction {
			a.extra[1].Invoke(js.Null(), js.Null(), url)
		}
		if withRoom && cm != nil {
			return v2compat.CommentJSON(cm), nil
		}
		return v2compat.AppendJSON(nil, url), nil
	}
}

func mDeviceToken(register bool) handler {
	return func(inst *instance, a args) ([]byte, error) {
		tok, err := a.str(0, "token", true)
		if err != nil {
			return nil, err
		}
		platform, err := a.str(2, "devicePlatform", false)
		if err != nil {
			return nil, err
		}
		if register {
			return result(inst.client.RegisterDeviceToken(inst.ctx, tok, a.boolish(1), platform))
		}
		return result(inst.client.RemoveDeviceToken(inst.ctx, tok, a.boolish(1), platform))
	}
}

func commentsV2(cs []*sdk.Comment) []byte {
	out := make([]sdk.RawMessage, len(cs))
	for i, c := range cs {
		out[i] = v2compat.CommentJSON(c)
	}
	return v2compat.AppendJSON(nil, out)
}

func nullToNil(r sdk.RawMessage) sdk.RawMessage {
	if string(r) == "null" {
		return nil
	}
	return r
}

func result(r sdk.RawMessage, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

func roomResult(r *sdk.Room, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return v2compat.RoomJSON(r), nil
}

//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// args is a call's decoded argument list with v2-style validation helpers
// whose errors name the method and the argument.
type args struct {
	method string
	raw    []sdk.RawMessage
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

func (inst *instance) dispatch(method, argsJSON string) ([]byte, error) {
	var raw []sdk.RawMessage
	if err := jsonx.Unmarshal([]byte(argsJSON), &raw); err != nil {
		return nil, fmt.Errorf("%w: %s: arguments are not serialisable: %v", sdk.ErrInvalidArgument, method, err)
	}
	a := args{method: method, raw: raw}
	c, ctx := inst.client, inst.ctx
	switch method {
	case "init":
		var ic initConfig
		if !a.present(0) || a.raw[0][0] != '{' {
			return nil, a.bad("config", "must be an object with AppId")
		}
		if err := jsonx.Unmarshal(a.raw[0], &ic); err != nil {
			return nil, a.bad("config", "is malformed: "+err.Error())
		}
		cfg := sdk.Config{AppID: ic.AppID, BaseURL: ic.BaseURL, MQTTURL: ic.MQTTURL, WithConfig: true,
			CustomHeaders: ic.CustomHeaders, OnEvent: func(ev sdk.Event) { inst.push(ev.Name, ev.Args) }}
		if ic.MQTTURL != "" && ic.BrokerURL != "" {
			cfg.MQTTURL = ic.BrokerURL
		}
		if ic.WithConfig != nil {
			cfg.WithConfig = *ic.WithConfig
		}
		cfg.SyncInterval = msDuration(ic.SyncInterval)
		cfg.SyncOnConnect = msDuration(ic.SyncOnConnect)
		if ic.DebugMode {
			cfg.Logger = consoleLogger()
		}
		return nil, c.Init(ctx, cfg)
	case "setUser":
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
		return result(c.SetUser(ctx, id, key, name, avatar, extras))
	case "chatTarget":
		id, err := a.str(0, "userId", true)
		if err != nil {
			return nil, err
		}
		opts, err := a.object(1, "options")
		if err != nil {
			return nil, err
		}
		return roomResult(c.ChatTarget(ctx, id, opts))
	case "getRoomById", "chatGroup":
		id, err := a.id(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		return roomResult(c.GetRoomByID(ctx, id))
	case "sendComment":
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
		cm, err := c.SendComment(ctx, room, text, uniq, typ, payload, extras)
		if err != nil {
			return nil, err
		}
		return cm.V2JSON(), nil
	case "loadComments", "loadMore":
		var room int64
		var o struct {
			LastCommentID jsonx.RawMessage `json:"last_comment_id"`
			After         any              `json:"after"`
			Limit         int              `json:"limit"`
		}
		optIdx := 1
		if method == "loadMore" {
			sel := c.Selected()
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
		if a.present(optIdx) {
			if a.raw[optIdx][0] != '{' || jsonx.Unmarshal(a.raw[optIdx], &o) != nil {
				return nil, a.bad("options", "must be an object {last_comment_id, after, limit}")
			}
		}
		lo := sdk.LoadOptions{Limit: o.Limit}
		if method == "loadMore" {
			id, err := a.id(0, "lastCommentId", true)
			if err != nil {
				return nil, err
			}
			lo.LastCommentID = id
		} else if len(o.LastCommentID) > 0 && string(o.LastCommentID) != "null" {
			id, err := args{method: method, raw: []sdk.RawMessage{o.LastCommentID}}.id(0, "options.last_comment_id", false)
			if err != nil {
				return nil, err
			}
			lo.LastCommentID = id
		}
		lo.After = o.After == true || o.After == "true"
		cs, err := c.LoadComments(ctx, room, lo)
		if err != nil {
			return nil, err
		}
		out := make([]sdk.RawMessage, len(cs))
		for i, cm := range cs {
			out[i] = cm.Raw
		}
		return appendJSON(nil, out), nil
	case "publishTyping":
		if !a.present(0) {
			return nil, a.bad("value", "is required (1 or 0)")
		}
		return nil, c.PublishTypingSelected(ctx, a.boolish(0))
	case "publishEvent":
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
		return nil, c.PublishEvent(ctx, room, data)
	case "subscribeEvent":
		room, err := a.str(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		return nil, c.SubscribeEvent(ctx, room, func(ev sdk.RawMessage) {
			inst.push("_customEvent", []any{room, ev})
		})
	case "unsubscribeEvent":
		room, err := a.str(0, "roomId", true)
		if err != nil {
			return nil, err
		}
		return nil, c.UnsubscribeEvent(ctx, room)
	case "subscribeUserPresence", "unsubscribeUserPresence":
		uid, err := a.str(0, "userId", true)
		if err != nil {
			return nil, err
		}
		if method == "subscribeUserPresence" {
			return nil, c.SubscribeUserPresence(ctx, uid)
		}
		return nil, c.UnsubscribeUserPresence(ctx, uid)
	case "exitChatRoom":
		c.ExitChatRoom()
		return nil, nil
	case "synchronize":
		return nil, c.Sync(ctx)
	case "setCustomHeader":
		var h map[string]string
		if !a.present(0) || jsonx.Unmarshal(a.raw[0], &h) != nil {
			return nil, a.bad("headers", "must be an object of strings")
		}
		c.SetCustomHeader(h)
		return nil, nil
	case "disconnect", "logout":
		return nil, c.Disconnect(ctx)
	}
	return nil, fmt.Errorf("%w: unknown method %q", sdk.ErrInvalidArgument, method)
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
	return r.V2JSON(), nil
}

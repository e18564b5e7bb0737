//go:build js && wasm

package main

import "sort"

// v2Members are the v2 prototype members added for issue 11, each a thin
// call into sdk/v2opts.go. methods.go merges them into its table.
var v2Members = map[string]handler{
	"setActiveRoom": func(i *instance, a args) ([]byte, error) {
		room, err := a.object(0, "room")
		if err != nil || room == nil {
			return nil, a.bad("room", "must be a room object")
		}
		_, err = i.client.SetActiveRoom(i.ctx, room)
		return nil, err
	},
	"sortComments":    func(i *instance, a args) ([]byte, error) { i.client.SortComments(); return nil, nil },
	"clearRoomsCache": func(i *instance, a args) ([]byte, error) { i.client.ClearRoomsCache(); return nil, nil },
	"removeSelectedRoomParticipants": func(i *instance, a args) ([]byte, error) {
		vals, err := a.strs(0, "values", true)
		if err != nil {
			return nil, err
		}
		key, err := a.str(1, "key", false)
		if err != nil {
			return nil, err
		}
		before, err := i.client.RemoveSelectedRoomParticipants(vals, key)
		if err != nil {
			return nil, err
		}
		return appendJSON(nil, before), nil
	},
	"getRoomParticipants": func(i *instance, a args) ([]byte, error) {
		uid, err := a.str(0, "roomUniqueId", true)
		if err != nil {
			return nil, err
		}
		return result(i.client.GetRoomParticipants(i.ctx, uid, a.int(1)))
	},
	"prepareCommentToBeSubmitted": func(i *instance, a args) ([]byte, error) {
		data, err := a.object(0, "comment")
		if err != nil || data == nil {
			return nil, a.bad("comment", "must be an object")
		}
		cm, err := i.client.PrepareComment(data)
		if err != nil {
			return nil, err
		}
		return cm.V2JSON(), nil
	},
	"startSync": func(i *instance, a args) ([]byte, error) { i.client.StartSync(); return nil, nil },
	"stopSync":  func(i *instance, a args) ([]byte, error) { i.client.StopSync(); return nil, nil },
	"closeRealtimeConnection": func(i *instance, a args) ([]byte, error) {
		return nil, i.client.CloseRealtimeConnection()
	},
	"openRealtimeConnection": func(i *instance, a args) ([]byte, error) {
		return nil, i.client.OpenRealtimeConnection()
	},
	"updateLastReceivedComment": func(i *instance, a args) ([]byte, error) {
		id, err := a.id(0, "commentId", true)
		if err != nil {
			return nil, err
		}
		return appendJSON(nil, i.client.UpdateLastReceivedComment(id)), nil
	},
	"setDebugMode": func(i *instance, a args) ([]byte, error) {
		if a.boolish(0) {
			i.client.SetLogger(consoleLogger{})
		} else {
			i.client.SetLogger(nil)
		}
		return nil, nil
	},
	"setUploadURL": func(i *instance, a args) ([]byte, error) {
		u, err := a.str(0, "uploadURL", false)
		if err != nil {
			return nil, err
		}
		return nil, i.client.SetUploadURL(u)
	},
}

// methodList is the Go side of the method table for the shim's table test
// (js/test/api-surface.test.mjs): {all: [...], sync: [...]}, sorted.
func methodList() map[string]any {
	var all, syncs []any
	for name := range methods {
		all = append(all, name)
		if syncMethods[name] {
			syncs = append(syncs, name)
		}
	}
	less := func(v []any) func(i, j int) bool { return func(i, j int) bool { return v[i].(string) < v[j].(string) } }
	sort.Slice(all, less(all))
	sort.Slice(syncs, less(syncs))
	return map[string]any{"all": all, "sync": syncs}
}

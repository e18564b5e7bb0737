package sdk

// Event is one notification to the application. Name is the v2 callback
// name without the "Callback" suffix; Args are the callback's arguments,
// ready for JSON (RawMessage values pass through untouched). Names starting
// with "_" update the mirrored v2 properties instead of calling back:
//
//	loginSuccess      [results]                 login results {user}
//	loginError        [error]                   {status, message}
//	newMessages       [[rawComment]]            one comment per event, as in v2
//	commentSent       [{comment}]               v2 Comment shape
//	chatRoomCreated   [{room}]                  v2 Room shape
//	typing            [{message, username, room_id}]
//	presence          [message, userId]         "1:1700000000000", "bob"
//	commentDelivered  [{comment, userId}]
//	commentRead       [{comment, userId}]
//	onReconnect       []
//	roomChanged       [room]                    when a room is opened
//	commentRetryExceed [comment]               a send failed after its retries
//	_state            [{isLogin, isInit, userData, user_id, …}]  partial
//	_selected         [room or null]           replaces selected
//	_selectedComment  [index, comment]         upsert into selected.comments
//	_customEvent      [roomId, {sender, data}] for subscribeEvent callbacks
type Event struct {
	Name string
	Args []any
	// Comment is set on newMessages and commentSent for Go callers.
	Comment *Comment
}

// emit hands ev to the application. Events are delivered one at a time in
// the order emitted; never call it with c.mu held.
func (c *Client) emit(ev Event) {
	if c.cfg.OnEvent == nil {
		return
	}
	if c.debug && ev.Name[0] != '_' {
		c.cfg.Logger.Debug("event", "name", ev.Name)
	}
	c.emitMu.Lock()
	defer c.emitMu.Unlock()
	c.cfg.OnEvent(ev)
}

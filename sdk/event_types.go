package sdk

import "time"

// Event is one notification to the application, delivered to
// Config.OnEvent. It is one of the types below; switch on the type:
//
//	switch ev := ev.(type) {
//	case sdk.MessageReceived:
//		fmt.Println(ev.Comment.Message)
//	case sdk.Reconnected:
//		…
//	}
//
// The values an event holds belong to it: the Client never changes them
// after the event is emitted.
type Event interface{ isEvent() }

// LoginSucceeded follows a successful SetUser or SetUserWithIdentityToken.
type LoginSucceeded struct {
	User    User       // a copy of the session user
	Results RawMessage // the server's login results as received
}

// LoginFailed follows a SetUser or SetUserWithIdentityToken that failed.
type LoginFailed struct {
	Err error
	// Data is the identity-token data that was refused, if that was the
	// login; nil otherwise.
	Data RawMessage
}

// MessageReceived delivers one comment, once, in id order per room:
// another member's, or our own acknowledged one.
type MessageReceived struct{ Comment *Comment }

// CommentSending is emitted as SendComment starts, before any hook runs.
type CommentSending struct {
	RoomID int64
	Text   string
}

// CommentSent follows the server's acknowledgement of SendComment.
type CommentSent struct{ Comment *Comment }

// CommentFailed reports a comment whose send failed after every retry;
// Comment.UniqueTempID identifies it.
type CommentFailed struct{ Comment *Comment }

// CommentDelivered reports that UserID received the selected room's
// comments up to Comment (now StatusDelivered).
type CommentDelivered struct {
	Comment *Comment
	UserID  string
}

// CommentRead reports that UserID read the selected room's comments up to
// Comment (now StatusRead).
type CommentRead struct {
	Comment *Comment
	UserID  string
}

// CommentDeleted reports deleted comments, ours or another member's.
type CommentDeleted struct {
	RoomID      int64
	UniqueIDs   []string
	ForEveryone bool
	Hard        bool
}

// MessageUpdated carries a comment edited by its sender.
type MessageUpdated struct{ Comment *Comment }

// TypingChanged reports that UserID started or stopped typing in RoomID.
type TypingChanged struct {
	RoomID int64
	UserID string
	Typing bool
}

// RoomTyping is r/{room}/typing: a bot or service typing in a room with
// an optional text (at most 50 characters).
type RoomTyping struct {
	RoomID     int64
	Status     string
	SenderID   string
	SenderName string
	Text       string
	// Raw is the payload as published (it may hold more keys).
	Raw RawMessage
}

// PresenceChanged reports a subscribed user going online or offline. At
// is when, if the user's client said so (zero otherwise).
type PresenceChanged struct {
	UserID string
	Online bool
	At     time.Time
}

// Reconnected follows every realtime reconnection after the first one.
type Reconnected struct{}

// RoomChanged reports that a room was opened (it is now Selected).
type RoomChanged struct{ Room *Room }

// RoomCreated follows ChatTarget: the 1-on-1 room, now open.
type RoomCreated struct{ Room *Room }

// GroupRoomCreated follows CreateGroupRoom.
type GroupRoomCreated struct{ Room *Room }

// RoomCleared reports a room whose messages were cleared.
type RoomCleared struct {
	RoomID int64
	Raw    RawMessage // the notification's room object
}

// TokenRefreshed follows every token refresh, automatic or not.
type TokenRefreshed struct {
	Token        string
	RefreshToken string
	ExpiresAt    string // as the server sent it; empty if it sent none
	OldToken     string
}

// FileUploaded follows every successful upload.
type FileUploaded struct{ URL string }

// UserBlocked follows BlockUser.
type UserBlocked struct{ User User }

// UserUnblocked follows UnblockUser.
type UserUnblocked struct{ User User }

func (LoginSucceeded) isEvent()   {}
func (LoginFailed) isEvent()      {}
func (MessageReceived) isEvent()  {}
func (CommentSending) isEvent()   {}
func (CommentSent) isEvent()      {}
func (CommentFailed) isEvent()    {}
func (CommentDelivered) isEvent() {}
func (CommentRead) isEvent()      {}
func (CommentDeleted) isEvent()   {}
func (MessageUpdated) isEvent()   {}
func (TypingChanged) isEvent()    {}
func (RoomTyping) isEvent()       {}
func (PresenceChanged) isEvent()  {}
func (Reconnected) isEvent()      {}
func (RoomChanged) isEvent()      {}
func (RoomCreated) isEvent()      {}
func (GroupRoomCreated) isEvent() {}
func (RoomCleared) isEvent()      {}
func (TokenRefreshed) isEvent()   {}
func (FileUploaded) isEvent()     {}
func (UserBlocked) isEvent()      {}
func (UserUnblocked) isEvent()    {}

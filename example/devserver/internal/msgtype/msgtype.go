package msgtype

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/chat"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Message types and their payloads, as the Qiscus server API docs define them.
// Normalize is shared by the server API's post_comment, the SDK's
// post_comment and imports, so a message looks the same whichever way it came.
//
//	text                      payload: none (an object is kept)
//	account_linking           url; redirect_url?, text?, params{}?
//	buttons                   buttons[] (label, type postback|link, payload{}; link needs payload.url); text?
//	button_postback_response  payload: any object, or none
//	card                      title; text?, image_url→image, description?, url?, buttons[]?
//	carousel                  cards[] (each a card)
//	contact_person            name, value, type phone|email (default phone); message = "name - value"
//	custom                    type (string), content (any JSON); kept exactly as sent
//	file_attachment           url; caption = the message, file_name (default: from the url), size?
//	location                  latitude, longitude (numbers); name?, address?, map_url?;
//	                          message = name, address and map_url, one per line
//	reply                     replied_comment_id (a message of the same room); the server fills in
//	                          text and the replied_comment_* fields from that message
//	system_event              only through post_system_event_message
//	any other name            app-defined (checkTypeName): payload any JSON value or none, kept
//	                          exactly as sent; the message may be empty
//
// Where the message text is empty and the payload carries a text (buttons,
// card, account_linking, reply) or a caption (file_attachment), that text
// becomes the message.

// Replied finds the message a reply refers to, in the reply's room.
type Replied func(id int64) (*store.Comment, error)

// Normalize validates a message of type typ and returns its final text
// and payload (nil for none). Every failure is a 400 naming the problem.
func Normalize(typ, msg string, payload []byte, replied Replied) (string, []byte, error) {
	if err := CheckLength(msg); err != nil {
		return "", nil, err
	}
	n := normalizer{typ: typ, msg: msg}
	var err error
	switch typ {
	case "text", "button_postback_response":
		err = n.optionalObject(payload)
	case "account_linking":
		err = n.accountLinking(payload)
	case "buttons":
		err = n.buttons(payload)
	case "card":
		err = n.card(payload)
	case "carousel":
		err = n.carousel(payload)
	case "contact_person":
		err = n.contactPerson(payload)
	case "custom":
		err = n.custom(payload)
	case "file_attachment":
		err = n.fileAttachment(payload)
	case "location":
		err = n.location(payload)
	case "reply":
		err = n.reply(payload, replied)
	case "system_event":
		err = apierr.BadRequest("system_event messages can only be posted with post_system_event_message")
	default:
		if err = CheckTypeName(typ); err == nil {
			n.out = bytes.TrimSpace(payload) // app-defined: returned exactly as sent
		}
	}
	if err != nil {
		return "", nil, err
	}
	if err := CheckLength(n.msg); err != nil {
		return "", nil, err
	}
	return n.msg, n.out, nil
}

// builtinTypes are the message types of the Qiscus docs; any other valid
// name is app-defined.
var builtinTypes = map[string]bool{
	"text": true, "account_linking": true, "buttons": true, "button_postback_response": true, "card": true,
	"carousel": true, "contact_person": true, "custom": true, "file_attachment": true, "location": true,
	"reply": true, "system_event": true,
}

// MaxUniqueTempIDLength bounds a comment's unique id (unique_temp_id, an import's UniqueId).
const MaxUniqueTempIDLength = 255

// maxTypeNameLength bounds an app-defined message type name.
const maxTypeNameLength = 64

// CheckTypeName accepts an app-defined message type name: 1 to 64 ASCII
// letters, digits and _ - . : (so "sticker", "com.example.poll", "1001").
// The names reach clients as they are, so nothing else gets through: no
// spaces, control characters, markup or topic wildcards.
func CheckTypeName(typ string) error {
	switch {
	case typ == "":
		return apierr.BadRequest("type must not be empty")
	case len(typ) > maxTypeNameLength:
		return apierr.BadRequest("type is too long (max %d characters)", maxTypeNameLength)
	}
	for _, r := range typ {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_-.:", r)) {
			return apierr.BadRequest("type %q may only hold ASCII letters, digits and _ - . :", typ)
		}
	}
	return nil
}

func CheckLength(msg string) error {
	if utf8.RuneCountInString(msg) > chat.MaxMessageLength {
		return apierr.BadRequest("message is too long (max %d characters)", chat.MaxMessageLength)
	}
	return nil
}

// CommentFinder finds a comment of a room (the store's reads).
type CommentFinder interface {
	CommentInRoom(ctx context.Context, roomID, id int64) (store.Comment, error)
}

// RepliedIn looks replied messages up in one room.
func RepliedIn(ctx context.Context, r CommentFinder, roomID int64) Replied {
	return func(id int64) (*store.Comment, error) {
		c, err := r.CommentInRoom(ctx, roomID, id)
		if err != nil {
			return nil, err
		}
		return &c, nil
	}
}

type normalizer struct {
	typ string
	msg string
	out []byte
}

// fail is a 400 about the payload.
func (n *normalizer) fail(format string, args ...any) error {
	return apierr.BadRequest("invalid %s payload: %s", n.typ, fmt.Sprintf(format, args...))
}

// pobj is a JSON object of a payload; at is its path for error messages ("" for
// the payload itself, "buttons[0]." inside).
type pobj struct {
	n  *normalizer
	at string
	m  map[string]json.RawMessage
}

func IsNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func (n *normalizer) object(at string, raw json.RawMessage) (pobj, error) {
	raw = bytes.TrimSpace(raw)
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		if at == "" {
			return pobj{}, apierr.BadRequest("a %s message needs a JSON object payload", n.typ)
		}
		return pobj{}, n.fail("%s must be an object", strings.TrimSuffix(at, "."))
	}
	return pobj{n: n, at: at, m: m}, nil
}

func (o pobj) has(k string) bool { return !IsNull(o.m[k]) }

// str reads a string field; required also refuses a blank one.
func (o pobj) str(k string, required bool) (string, error) {
	raw := o.m[k]
	if IsNull(raw) {
		if required {
			return "", o.n.fail("%s%s is required", o.at, k)
		}
		return "", nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", o.n.fail("%s%s must be a string", o.at, k)
	}
	if required && strings.TrimSpace(s) == "" {
		return "", o.n.fail("%s%s must not be empty", o.at, k)
	}
	return s, nil
}

// fields reads fields of o and keeps the first error, so a payload's
// fields are read in a row and checked once.
type fields struct {
	o   pobj
	err error
}

func (o pobj) fields() *fields { return &fields{o: o} }

// str is pobj.str once no earlier read failed.
func (f *fields) str(k string, required bool) string {
	if f.err != nil {
		return ""
	}
	var s string
	s, f.err = f.o.str(k, required)
	return s
}

// url is pobj.urlField once no earlier read failed.
func (f *fields) url(k string, required bool) string {
	if f.err != nil {
		return ""
	}
	var s string
	s, f.err = f.o.urlField(k, required)
	return s
}

// urlField reads a string field that, when set, must be an absolute http(s) URL.
func (o pobj) urlField(k string, required bool) (string, error) {
	s, err := o.str(k, required)
	if err != nil || s == "" {
		return s, err
	}
	u, perr := url.Parse(s)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", o.n.fail("%s%s must be an absolute http(s) URL, got %q", o.at, k, s)
	}
	return s, nil
}

func (o pobj) number(k string) (float64, error) {
	raw := o.m[k]
	if IsNull(raw) {
		return 0, o.n.fail("%s%s is required", o.at, k)
	}
	var f float64
	if raw[0] == '"' || json.Unmarshal(raw, &f) != nil {
		return 0, o.n.fail("%s%s must be a number", o.at, k)
	}
	return f, nil
}

func (o pobj) list(k string, required bool) ([]json.RawMessage, error) {
	raw := o.m[k]
	if IsNull(raw) {
		if required {
			return nil, o.n.fail("%s%s is required", o.at, k)
		}
		return nil, nil
	}
	var l []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &l) != nil {
		return nil, o.n.fail("%s%s must be an array", o.at, k)
	}
	if required && len(l) == 0 {
		return nil, o.n.fail("%s%s must not be empty", o.at, k)
	}
	return l, nil
}

func (o pobj) set(k string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("normalizer: encode %s: %v", k, err)) // only plain values are set
	}
	o.m[k] = b
}

func (o pobj) encode() []byte {
	b, err := json.Marshal(o.m)
	if err != nil {
		panic(fmt.Sprintf("normalizer: encode payload: %v", err)) // the members are valid JSON
	}
	return b
}

// defaultMessage makes text the message when none was given.
func (n *normalizer) defaultMessage(text string) {
	if strings.TrimSpace(n.msg) == "" && text != "" {
		n.msg = text
	}
}

// optionalObject keeps an object payload; none is fine. A text message drops a
// payload that is not an object.
func (n *normalizer) optionalObject(payload []byte) error {
	if IsNull(payload) {
		return nil
	}
	o, err := n.object("", payload)
	if err != nil {
		if n.typ == "text" {
			return nil
		}
		return err
	}
	n.out = o.encode()
	return nil
}

func (n *normalizer) accountLinking(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	f := o.fields()
	f.url("url", true)
	f.url("redirect_url", false)
	text := f.str("text", false)
	if f.err != nil {
		return f.err
	}
	if o.has("params") {
		if _, err := n.object("params.", o.m["params"]); err != nil {
			return err
		}
	}
	n.defaultMessage(text)
	n.out = o.encode()
	return nil
}

func (n *normalizer) buttons(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	text, err := o.str("text", false)
	if err != nil {
		return err
	}
	if err := n.buttonList(o, true); err != nil {
		return err
	}
	n.defaultMessage(text)
	n.out = o.encode()
	return nil
}

// buttonList checks o.buttons; absent ones become [] unless required.
func (n *normalizer) buttonList(o pobj, required bool) error {
	list, err := o.list("buttons", required)
	if err != nil {
		return err
	}
	if list == nil {
		o.set("buttons", []any{})
		return nil
	}
	for i, raw := range list {
		b, err := n.object(fmt.Sprintf("%sbuttons[%d].", o.at, i), raw)
		if err != nil {
			return err
		}
		if _, err := b.str("label", true); err != nil {
			return err
		}
		typ, err := b.str("type", true)
		if err != nil {
			return err
		}
		if typ != "postback" && typ != "link" {
			return n.fail(`%stype must be "postback" or "link", got %q`, b.at, typ)
		}
		p, err := n.object(b.at+"payload.", b.m["payload"])
		if err != nil {
			return err
		}
		if _, err := p.urlField("url", typ == "link"); err != nil {
			return err
		}
		if typ == "postback" {
			method, err := p.str("method", false)
			if err != nil {
				return err
			}
			switch strings.ToLower(method) {
			case "", "get", "post", "put", "patch", "delete":
			default:
				return n.fail("%smethod must be an HTTP method (get, post, put, patch or delete), got %q", p.at, method)
			}
		}
	}
	return nil
}

// cardObject checks a card and renames image_url to image, in place.
func (n *normalizer) cardObject(o pobj) (text, title string, err error) {
	f := o.fields()
	text, title = f.str("text", false), f.str("title", true)
	f.str("description", false)
	f.url("url", false)
	image := f.url("image_url", false)
	if image == "" { // already normalised (an export being imported)
		image = f.url("image", false)
	}
	if f.err != nil {
		return "", "", f.err
	}
	delete(o.m, "image_url")
	o.set("image", image)
	return text, title, n.buttonList(o, false)
}

func (n *normalizer) card(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	text, title, err := n.cardObject(o)
	if err != nil {
		return err
	}
	n.defaultMessage(text)
	n.defaultMessage(title)
	n.out = o.encode()
	return nil
}

func (n *normalizer) carousel(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	list, err := o.list("cards", true)
	if err != nil {
		return err
	}
	cards := make([]json.RawMessage, len(list))
	for i, raw := range list {
		c, err := n.object(fmt.Sprintf("cards[%d].", i), raw)
		if err != nil {
			return err
		}
		if _, _, err := n.cardObject(c); err != nil {
			return err
		}
		cards[i] = c.encode()
	}
	o.set("cards", cards)
	n.out = o.encode()
	return nil
}

func (n *normalizer) contactPerson(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	f := o.fields()
	name, value, kind := f.str("name", true), f.str("value", true), f.str("type", false)
	if f.err != nil {
		return f.err
	}
	switch kind {
	case "":
		kind = "phone"
	case "phone":
	case "email":
		if !strings.Contains(value, "@") {
			return n.fail("value %q is not an email address", value)
		}
	default:
		return n.fail(`type must be "phone", "email" or empty, got %q`, kind)
	}
	o.set("type", kind)
	n.msg = name + " - " + value
	n.out = o.encode()
	return nil
}

func (n *normalizer) custom(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	var typ string
	if raw := o.m["type"]; IsNull(raw) || raw[0] != '"' || json.Unmarshal(raw, &typ) != nil || strings.TrimSpace(typ) == "" {
		return apierr.BadRequest("a custom message's payload needs a type (a non-empty string)")
	}
	if _, ok := o.m["content"]; !ok {
		return n.fail("content is required (any JSON value)")
	}
	n.out = bytes.TrimSpace(payload) // returned exactly as sent
	return nil
}

func (n *normalizer) fileAttachment(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	f := o.fields()
	link, caption, name := f.url("url", true), f.str("caption", false), f.str("file_name", false)
	if f.err != nil {
		return f.err
	}
	if caption == "" {
		caption = n.msg // the message is the caption
	}
	o.set("caption", caption)
	n.defaultMessage(caption)
	if name == "" {
		u, _ := url.Parse(link)
		if name = path.Base(u.Path); name == "/" || name == "." {
			name = ""
		}
		o.set("file_name", name)
	}
	if o.has("size") {
		if _, err := o.number("size"); err != nil {
			return err
		}
	}
	n.out = o.encode()
	return nil
}

func (n *normalizer) location(payload []byte) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	for _, k := range []string{"latitude", "longitude"} {
		if _, err := o.number(k); err != nil {
			return err
		}
	}
	var lines []string
	for _, k := range []string{"name", "address"} {
		s, err := o.str(k, false)
		if err != nil {
			return err
		}
		if s != "" {
			lines = append(lines, s)
		}
	}
	mapURL, err := o.urlField("map_url", false)
	if err != nil {
		return err
	}
	if mapURL != "" {
		lines = append(lines, mapURL)
	}
	if len(lines) > 0 {
		n.msg = strings.Join(lines, "\n")
	}
	n.out = o.encode()
	return nil
}

func (n *normalizer) reply(payload []byte, replied Replied) error {
	o, err := n.object("", payload)
	if err != nil {
		return err
	}
	id, err := o.integer("replied_comment_id")
	if err != nil {
		return err
	}
	parent, err := replied(id)
	if errors.Is(err, apierr.ErrCommentNotFound) {
		return n.fail("replied_comment_id %d is not a message of this room", id)
	}
	if err != nil {
		return err
	}
	text, err := o.str("text", false)
	if err != nil {
		return err
	}
	if text == "" {
		text = n.msg
	}
	n.defaultMessage(text)
	if strings.TrimSpace(n.msg) == "" {
		return apierr.BadRequest("message is required")
	}
	o.set("text", text)
	o.set("replied_comment_id", parent.ID)
	o.set("replied_comment_message", parent.Message)
	o.set("replied_comment_type", parent.Type)
	o.m["replied_comment_payload"] = wire.Object(parent.Payload)
	o.set("replied_comment_sender_email", parent.Sender.ID)
	o.set("replied_comment_sender_username", parent.Sender.Username)
	n.out = o.encode()
	return nil
}

// integer reads a positive integer sent as a JSON number or a numeric string.
func (o pobj) integer(k string) (int64, error) {
	raw := o.m[k]
	if IsNull(raw) {
		return 0, o.n.fail("%s%s is required", o.at, k)
	}
	s := string(bytes.Trim(bytes.TrimSpace(raw), `"`))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, o.n.fail("%s%s must be an integer", o.at, k)
		}
		v = int64(f)
	}
	if v <= 0 {
		return 0, o.n.fail("%s%s must be a positive integer", o.at, k)
	}
	return v, nil
}

// IsBuiltin reports whether typ is a message type of the Qiscus docs.
func IsBuiltin(typ string) bool { return builtinTypes[typ] }

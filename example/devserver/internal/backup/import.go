package backup

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/msgtype"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Imports (POST imports, GET imports, GET imports/{id}): a JSON file of users,
// rooms or comments in the documented formats (see export.go), validated and
// stored in the background.
//
// An import is all or nothing: every row is checked (in one transaction, so
// later rows can refer to earlier ones), and when any row is invalid nothing is
// stored, the import's status is "failed" and errors.Data lists every invalid
// row. A malformed request (no file, not a JSON array of objects, over 4 MB)
// is refused at once with a 400 and records nothing.

const (
	maxImportBytes = 4 << 20 // "limit 4 MB each import"
	maxImportParts = 8       // multipart parts read before giving up
)

type importRowError struct {
	Row     int    `json:"Row"` // 1-based position in the file
	Key     string `json:"Key"` // the row's Email or UniqueId, when it has one
	Message string `json:"Message"`
}

type importErrors struct {
	Message string           `json:"Message"`
	Data    []importRowError `json:"Data"`
}

// importJSON is an import's backup history entry.
type importJSON struct {
	CreatedAt        string          `json:"created_at"`
	Errors           json.RawMessage `json:"errors"`
	OriginalFilename string          `json:"original_filename"`
	ResourceName     string          `json:"resource_name"`
	Size             int64           `json:"size"`
	Status           string          `json:"status"`
	TotalRows        int64           `json:"total_rows"`
	UniqueID         string          `json:"unique_id"`
}

func importJSONOf(r *store.ImportRecord) importJSON {
	return importJSON{
		CreatedAt: wire.RFC3339(r.CreatedAt), Errors: wire.Object(r.Errors), OriginalFilename: r.Filename,
		ResourceName: r.Resource, Size: r.Size, Status: r.Status, TotalRows: r.TotalRows, UniqueID: r.UniqueID,
	}
}

// handleCreateImport is POST imports, a multipart/form-data body with the
// fields type (users, rooms or comments) and file (the JSON file).
func (s *Service) handleCreateImport(c *httpapi.Call) (any, error) {
	ct, _, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, apierr.BadRequest("send a multipart/form-data body with the fields type and file")
	}
	c.R.Body = http.MaxBytesReader(nil, c.R.Body, maxImportBytes+1<<20)
	mr, err := c.R.MultipartReader()
	if err != nil {
		return nil, apierr.BadRequest("malformed multipart body: %v", err)
	}
	resource := c.P.String("type")
	var file []byte
	var filename string
	for range maxImportParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apierr.BadRequest("malformed multipart body: %v", err)
		}
		switch part.FormName() {
		case "type":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return nil, apierr.BadRequest("malformed multipart body: %v", err)
			}
			resource = string(b)
		case "file":
			filename = part.FileName()
			file, err = io.ReadAll(io.LimitReader(part, maxImportBytes+1))
			if err != nil {
				return nil, apierr.BadRequest("cannot read file: %v", err)
			}
			if len(file) > maxImportBytes {
				return nil, apierr.BadRequest("file is too large (max %d bytes)", maxImportBytes)
			}
		}
		part.Close()
	}
	resource = strings.TrimSpace(resource)
	switch {
	case resource == "":
		return nil, apierr.BadRequest(`type is required ("users", "rooms" or "comments")`)
	case !exportResources[resource]:
		return nil, apierr.BadRequest(`type must be "users", "rooms" or "comments", got %q`, resource)
	case file == nil:
		return nil, apierr.BadRequest("file is required (a JSON file)")
	}
	if filename == "" {
		filename = resource + ".json"
	}
	rows, err := importRows(file)
	if err != nil {
		return nil, err
	}
	rec := store.ImportRecord{
		UniqueID: store.NewUUID(), Resource: resource, Filename: filename, Status: "started",
		Errors: []byte(`{"Message":"","Data":null}`), Size: int64(len(file)), CreatedAt: c.Now.UnixNano(),
	}
	if err := s.store.CreateImport(c.Ctx, rec); err != nil {
		return nil, err
	}
	s.goJob("import "+rec.UniqueID, func(ctx context.Context) { s.runImport(ctx, rec.UniqueID, resource, rows) })
	return map[string]any{"backup_history": importJSONOf(&rec)}, nil
}

// importRows checks that file is a non-empty JSON array of objects.
func importRows(file []byte) ([]json.RawMessage, error) {
	var rows []json.RawMessage
	if t := bytes.TrimSpace(file); len(t) == 0 || t[0] != '[' || json.Unmarshal(t, &rows) != nil {
		return nil, apierr.BadRequest("file must be a JSON array of objects")
	}
	if len(rows) == 0 {
		return nil, apierr.BadRequest("file holds no rows")
	}
	for i, r := range rows {
		if r = bytes.TrimSpace(r); len(r) == 0 || r[0] != '{' {
			return nil, apierr.BadRequest("file must be a JSON array of objects (row %d is not an object)", i+1)
		}
	}
	return rows, nil
}

// handleListImports is GET imports?page: the 20 most recent per page.
func (s *Service) handleListImports(c *httpapi.Call) (any, error) {
	return backupHistories(c, s.store.ListImports, importJSONOf)
}

// handleGetImport is GET imports/{unique_id} (not in the Qiscus docs).
func (s *Service) handleGetImport(c *httpapi.Call) (any, error) {
	r, err := s.store.ImportByID(c.Ctx, c.P.String(":id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"backup_history": importJSONOf(&r)}, nil
}

// errRowsInvalid rolls the import transaction back.
var errRowsInvalid = errors.New("import has invalid rows")

func (s *Service) runImport(ctx context.Context, uid, resource string, rows []json.RawMessage) {
	im := &importer{s: s, ctx: ctx, now: time.Now(), seen: map[string]bool{}, comments: map[string]importedComment{}}
	err := s.chat.Import(ctx, func(tx *store.ImportTx) error {
		im.tx = tx
		for i, raw := range rows {
			key, err := im.row(resource, raw)
			var ae *apierr.APIError
			switch {
			case errors.As(err, &ae):
				im.errs = append(im.errs, importRowError{Row: i + 1, Key: key, Message: ae.Message})
			case err != nil:
				return fmt.Errorf("row %d: %w", i+1, err)
			}
		}
		if len(im.errs) > 0 {
			return errRowsInvalid
		}
		return nil
	})
	status, total, report := "finished", int64(len(rows)), []byte("{}")
	switch {
	case errors.Is(err, errRowsInvalid):
		status, total = "failed", 0
		report, _ = json.Marshal(importErrors{
			Message: fmt.Sprintf("%d of %d rows are invalid; nothing was imported", len(im.errs), len(rows)),
			Data:    im.errs,
		})
	case err != nil:
		s.log.Error("import failed", "import", uid, "type", resource, "err", err)
		status, total = "failed", 0
		report, _ = json.Marshal(importErrors{Message: "import failed: internal error; nothing was imported"})
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.store.FinishImport(uctx, uid, status, total, report); err != nil {
		s.log.Error("record import result", "import", uid, "err", err)
	}
	s.log.Info("import done", "import", uid, "type", resource, "status", status, "rows", len(rows),
		"invalid_rows", len(im.errs))
}

type importer struct {
	s        *Service
	ctx      context.Context
	tx       *store.ImportTx
	now      time.Time
	seen     map[string]bool // "email:…", "token:…", "room:…", "comment:…" of this file
	comments map[string]importedComment
	errs     []importRowError
}

type importedComment struct{ id, roomID int64 }

func rowError(format string, args ...any) error { return apierr.BadRequest(format, args...) }

// row validates and stores one row; an *apierr.APIError is a problem with the row.
func (im *importer) row(resource string, raw json.RawMessage) (key string, err error) {
	switch resource {
	case "users":
		var u exportUser
		if err := json.Unmarshal(raw, &u); err != nil {
			return "", rowError("malformed row: %v", err)
		}
		return u.Email, im.user(&u)
	case "rooms":
		var r exportRoom
		if err := json.Unmarshal(raw, &r); err != nil {
			return "", rowError("malformed row: %v", err)
		}
		return r.UniqueID, im.room(&r)
	default:
		var c exportComment
		if err := json.Unmarshal(raw, &c); err != nil {
			return "", rowError("malformed row: %v", err)
		}
		return c.UniqueID, im.comment(&c)
	}
}

// found turns a lookup's error into whether it found something: notFound is
// the sentinel of finding nothing.
func found(err, notFound error) (bool, error) {
	if errors.Is(err, notFound) {
		return false, nil
	}
	return err == nil, err
}

func importTime(field, v string, def time.Time) (time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, rowError("%s must be an RFC 3339 time such as 2017-05-11T06:35:27Z, got %q", field, v)
	}
	return t, nil
}

func validToken(t string) bool {
	return len(t) <= 255 && !strings.ContainsAny(t, "/+#") &&
		strings.IndexFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) < 0
}

func (im *importer) user(u *exportUser) error {
	email := strings.TrimSpace(u.Email)
	if email == "" {
		return rowError("Email is required")
	}
	if err := wire.ValidUserID(email); err != nil {
		return rowError("Email %q is not a valid user id (1-255 characters without / + # or control characters)", email)
	}
	if err := im.fresh("user", "Email", email, apierr.ErrUserNotFound, func() error {
		_, err := im.tx.UserByID(email)
		return err
	}); err != nil {
		return err
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = email
	}
	if len(name) > 255 {
		return rowError("Name is too long (max 255 characters)")
	}
	if u.AvatarURL != "" {
		if err := httpapi.CheckURL("AvatarUrl", u.AvatarURL); err != nil {
			return err
		}
	}
	nu := store.NewUser{ID: email, Username: name, AvatarURL: u.AvatarURL, Password: u.Password}
	if t := strings.TrimSpace(u.AuthenticationToken); t != "" {
		if !validToken(t) {
			return rowError("AuthenticationToken must be at most 255 characters without spaces, / + or #")
		}
		if err := im.once("token:"+t, rowError("AuthenticationToken appears twice in the file"),
			rowError("AuthenticationToken is already used by another user"), func() (bool, error) {
				return im.tx.TokenTaken(t)
			}); err != nil {
			return err
		}
		nu.Token = t
	}
	if u.Password == "" && u.PasswordHash != "" {
		if !store.ValidPasswordHash(u.PasswordHash) {
			return rowError("PasswordHash is not a hash this server wrote")
		}
		nu.PasswordHash = u.PasswordHash
	}
	created := u.CreateAt
	if created == "" {
		created = u.CreatedAt
	}
	var err error
	if nu.CreatedAt, err = importTime("CreateAt", created, im.now); err != nil {
		return err
	}
	extras := []byte("{}")
	if !msgtype.IsNull(u.Extras) {
		if bytes.TrimSpace(u.Extras)[0] != '{' {
			return rowError("Extras must be a JSON object")
		}
		extras = u.Extras
	}
	nu.Extras = extras
	return im.tx.InsertUser(nu, im.now, im.s.tokenTTL)
}

// fresh is once for the key of a user, room or comment row: field names the
// key's column in the messages; lookup finds the row, or fails with notFound.
func (im *importer) fresh(what, field, key string, notFound error, lookup func() error) error {
	return im.once(what+":"+key, rowError("%s %q appears twice in the file", field, key),
		rowError("a %s with %s %q already exists", what, field, key), func() (bool, error) {
			return found(lookup(), notFound)
		})
}

// once checks a row's unique key: dup when the file already had it, exists
// when taken reports that the database holds it (or taken's own error).
func (im *importer) once(key string, dup, exists error, taken func() (bool, error)) error {
	if im.seen[key] {
		return dup
	}
	im.seen[key] = true
	if ok, err := taken(); err != nil || ok {
		return cmp.Or(err, exists)
	}
	return nil
}

func (im *importer) userPK(field, email string) (int64, error) {
	u, err := im.tx.UserByID(email)
	if errors.Is(err, apierr.ErrUserNotFound) {
		return 0, rowError("%s %q does not exist (import the users first)", field, email)
	}
	return u.PK, err
}

func (im *importer) room(r *exportRoom) error {
	uid := strings.TrimSpace(r.UniqueID)
	if uid == "" {
		return rowError("UniqueId is required")
	}
	if len(uid) > 255 {
		return rowError("UniqueId is too long (max 255 characters)")
	}
	if err := im.fresh("room", "UniqueId", uid, apierr.ErrRoomNotFound, func() error {
		_, err := im.tx.RoomByUniqueID(uid)
		return err
	}); err != nil {
		return err
	}
	if r.Type != "single" && r.Type != "group" {
		return rowError(`Type must be "single" or "group", got %q`, r.Type)
	}
	if r.CreatorEmail == "" {
		return rowError("CreatorEmail is required")
	}
	creator, err := im.userPK("CreatorEmail", r.CreatorEmail)
	if err != nil {
		return err
	}
	emails := httpapi.Dedupe(r.ParticipantEmails)
	pks := make([]int64, 0, len(emails))
	var missing []string
	for _, e := range emails {
		pk, err := im.userPK("ParticipantEmails", e)
		var ae *apierr.APIError
		if errors.As(err, &ae) {
			missing = append(missing, fmt.Sprintf("%q", e))
			continue
		}
		if err != nil {
			return err
		}
		pks = append(pks, pk)
	}
	if len(missing) > 0 {
		return rowError("ParticipantEmails %s do not exist (import the users first)", strings.Join(missing, ", "))
	}
	name, chatType := strings.TrimSpace(r.Name), "group"
	switch {
	case r.Type == "single":
		if len(emails) != 2 || (emails[0] != r.CreatorEmail && emails[1] != r.CreatorEmail) {
			return rowError("a single room needs exactly 2 ParticipantEmails, one of them the CreatorEmail")
		}
		// Single rooms store no name: every view names them after the other
		// member (or both members), whatever the file says.
		name, chatType = "", "single"
	case name == "":
		return rowError("Name is required for a group room")
	case len(name) > 255:
		return rowError("Name is too long (max 255 characters)")
	case r.IsPublicChannel:
		chatType = "channel"
	}
	if r.AvatarURL != "" {
		if err := httpapi.CheckURL("AvatarUrl", r.AvatarURL); err != nil {
			return err
		}
	}
	at, err := importTime("CreatedAt", r.CreatedAt, im.now)
	if err != nil {
		return err
	}
	_, err = im.tx.CreateRoom(store.NewRoom{UniqueID: uid, Name: name, AvatarURL: r.AvatarURL, Options: r.Options,
		ChatType: chatType, CreatorPK: creator, MemberPKs: pks, CreatedAt: at})
	return err
}

func (im *importer) comment(c *exportComment) error {
	uid := strings.TrimSpace(c.UniqueID)
	if uid == "" {
		return rowError("UniqueId is required")
	}
	if len(uid) > msgtype.MaxUniqueTempIDLength {
		return rowError("UniqueId is too long (max %d characters)", msgtype.MaxUniqueTempIDLength)
	}
	if err := im.fresh("comment", "UniqueId", uid, apierr.ErrCommentNotFound, func() error {
		_, err := im.tx.CommentByUniqueID(uid, 0)
		return err
	}); err != nil {
		return err
	}
	if c.RoomUniqueID == "" {
		return rowError("RoomUniqueId is required")
	}
	room, err := im.tx.RoomByUniqueID(c.RoomUniqueID)
	if errors.Is(err, apierr.ErrRoomNotFound) {
		return rowError("RoomUniqueId %q does not exist (import the rooms first)", c.RoomUniqueID)
	}
	if err != nil {
		return err
	}
	roomID := room.ID
	if c.CreatorEmail == "" {
		return rowError("CreatorEmail is required")
	}
	sender, err := im.userPK("CreatorEmail", c.CreatorEmail)
	if err != nil {
		return err
	}
	typ := strings.TrimSpace(c.Type)
	if typ == "" {
		typ = "text"
	}
	if !msgtype.IsNull(c.Extras) && bytes.TrimSpace(c.Extras)[0] != '{' {
		return rowError("Extras must be a JSON object")
	}
	extras := c.Extras
	if msgtype.IsNull(extras) {
		extras = nil
	}
	msg, payload, err := im.messageAndPayload(typ, c, roomID)
	if err != nil {
		return err
	}
	at, err := importTime("CreatedAt", c.CreatedAt, im.now)
	if err != nil {
		return err
	}
	cm, err := im.tx.InsertComment(store.NewComment{
		RoomID: roomID, SenderPK: sender, UniqueTempID: uid, Message: msg, Type: typ, Payload: payload,
		Extras: extras, CreatedAt: at, DisableLinkPreview: c.DisableLinkPreview, IsDeleted: c.IsDeleted,
	})
	if err != nil {
		return err
	}
	id := cm.ID
	im.comments[uid] = importedComment{id: id, roomID: roomID}
	return nil
}

// messageAndPayload validates a comment row's message and payload by type. A
// reply's replied_comment_id is replaced by the new id of ParentCommentUniqueId.
func (im *importer) messageAndPayload(typ string, c *exportComment, roomID int64) (string, []byte, error) {
	payload := []byte(c.Payload)
	if msgtype.IsNull(payload) {
		payload = nil
	}
	switch typ {
	case "text":
		if strings.TrimSpace(c.Message) == "" {
			return "", nil, rowError("Message is required")
		}
	case "system_event":
		// Exports carry the system events of the Qiscus server API; they are
		// kept as they are.
		if err := msgtype.CheckLength(c.Message); err != nil {
			return "", nil, err
		}
		if payload != nil && bytes.TrimSpace(payload)[0] != '{' {
			return "", nil, rowError("Payload of a system_event must be a JSON object")
		}
		return c.Message, payload, nil
	case "reply":
		parent := strings.TrimSpace(c.ParentCommentUniqueID)
		if parent == "" {
			return "", nil, rowError("ParentCommentUniqueId is required for a reply")
		}
		parentID, err := im.parentID(parent, roomID)
		if err != nil {
			return "", nil, err
		}
		var p map[string]json.RawMessage
		if payload != nil && json.Unmarshal(payload, &p) != nil {
			return "", nil, rowError("Payload of a reply must be a JSON object")
		}
		if p == nil {
			p = map[string]json.RawMessage{}
		}
		p["replied_comment_id"] = json.RawMessage(fmt.Sprint(parentID))
		if payload, err = json.Marshal(p); err != nil {
			return "", nil, err
		}
	}
	msg, out, err := msgtype.Normalize(typ, c.Message, payload, func(id int64) (*store.Comment, error) {
		cm, err := im.tx.CommentInRoom(roomID, id)
		return &cm, err
	})
	var ae *apierr.APIError
	if errors.As(err, &ae) {
		return "", nil, rowError("%s", strings.ReplaceAll(ae.Message, "payload", "Payload"))
	}
	return msg, out, err
}

// parentID resolves ParentCommentUniqueId: a comment earlier in this file, or
// one already stored, in the reply's room.
func (im *importer) parentID(uid string, roomID int64) (int64, error) {
	if c, ok := im.comments[uid]; ok {
		if c.roomID != roomID {
			return 0, rowError("ParentCommentUniqueId %q is in another room", uid)
		}
		return c.id, nil
	}
	c, err := im.tx.CommentByUniqueID(uid, roomID)
	if errors.Is(err, apierr.ErrCommentNotFound) {
		return 0, rowError("ParentCommentUniqueId %q is not a comment of this room (earlier in the file or already stored)", uid)
	}
	return c.ID, err
}

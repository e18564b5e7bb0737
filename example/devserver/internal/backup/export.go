package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/wire"
)

// Exports (POST/GET exports, GET/DELETE exports/{id}): a JSON file of users,
// rooms or comments, written in the background with a rising percentage and
// then served at download_url. The files use the import formats, so an export
// can be imported into another server (import.go).

const (
	historyPage      = 20 // backup_histories per page, exports and imports alike
	exportDateLayout = "2006-01-02"
)

// defaultExportBatch is how many rows an export reads at a time; the
// percentage is updated after each batch.
const defaultExportBatch = 200

var exportResources = map[string]bool{"users": true, "rooms": true, "comments": true}

// backupJSON is an export's backup history entry.
type backupJSON struct {
	CreatedAt        string `json:"created_at"`
	DownloadURL      string `json:"download_url"`
	ErrorMessage     string `json:"error_message"`
	OriginalFilename string `json:"original_filename"`
	Percentage       int    `json:"percentage"`
	ResourceName     string `json:"resource_name"`
	Size             int64  `json:"size"`
	Status           string `json:"status"`
	TotalRows        int64  `json:"total_rows"`
	UniqueID         string `json:"unique_id"`
}

func backupJSONOf(r *http.Request, e *store.ExportRecord) backupJSON {
	b := backupJSON{
		CreatedAt: wire.RFC3339(e.CreatedAt), ErrorMessage: e.ErrorMessage, OriginalFilename: e.Filename,
		Percentage: e.Percentage, ResourceName: e.Resource, Size: e.Size, Status: e.Status,
		TotalRows: e.TotalRows, UniqueID: e.UniqueID,
	}
	if e.Status == "finished" {
		b.DownloadURL = httpapi.BaseURL(r) + "/api/v2/rest/exports/" + e.UniqueID + "/download"
	}
	return b
}

// handleCreateExport is POST exports (type: users, rooms or comments;
// start_date?, end_date? as YYYY-MM-DD, inclusive, on the rows' creation time).
func (s *Service) handleCreateExport(c *httpapi.Call) (any, error) {
	resource := strings.TrimSpace(c.P.String("type"))
	if resource == "" {
		return nil, apierr.BadRequest(`type is required ("users", "rooms" or "comments")`)
	}
	if !exportResources[resource] {
		return nil, apierr.BadRequest(`type must be "users", "rooms" or "comments", got %q`, resource)
	}
	from, to, err := exportRange(c.P.String("start_date"), c.P.String("end_date"))
	if err != nil {
		return nil, err
	}
	e := store.ExportRecord{
		UniqueID: store.NewUUID(), Resource: resource, StartDate: c.P.String("start_date"), EndDate: c.P.String("end_date"),
		Status: "started", CreatedAt: c.Now.UnixNano(),
	}
	e.Filename = wire.RFC3339(e.CreatedAt) + "_exported_" + resource + ".json"
	if err := s.store.CreateExport(c.Ctx, e); err != nil {
		return nil, err
	}
	s.goJob("export "+e.UniqueID, func(ctx context.Context) { s.runExport(ctx, e.UniqueID, resource, from, to) })
	return backupJSONOf(c.R, &e), nil
}

// exportRange turns the date parameters into [from, to) in unix ns.
func exportRange(start, end string) (from, to int64, err error) {
	from, to = math.MinInt64, math.MaxInt64
	if start = strings.TrimSpace(start); start != "" {
		t, err := time.Parse(exportDateLayout, start)
		if err != nil {
			return 0, 0, apierr.BadRequest("start_date must be YYYY-MM-DD, got %q", start)
		}
		from = t.UnixNano()
	}
	if end = strings.TrimSpace(end); end != "" {
		t, err := time.Parse(exportDateLayout, end)
		if err != nil {
			return 0, 0, apierr.BadRequest("end_date must be YYYY-MM-DD, got %q", end)
		}
		to = t.AddDate(0, 0, 1).UnixNano()
	}
	if from >= to {
		return 0, 0, apierr.BadRequest("start_date %s is after end_date %s", start, end)
	}
	return from, to, nil
}

// handleListExports is GET exports?page: the 20 most recent per page.
func (s *Service) handleListExports(c *httpapi.Call) (any, error) {
	return backupHistories(c, s.store.ListExports, func(e *store.ExportRecord) backupJSON { return backupJSONOf(c.R, e) })
}

// backupHistories is one page (newest first) of the export or the import
// history, as both list endpoints answer it.
func backupHistories[R, J any](c *httpapi.Call, list func(ctx context.Context, limit, offset int) ([]R, error), toJSON func(*R) J) (any, error) {
	page, err := c.P.RestPage("page")
	if err != nil {
		return nil, err
	}
	rs, err := list(c.Ctx, historyPage, (max(page, 1)-1)*historyPage)
	if err != nil {
		return nil, err
	}
	out := make([]J, len(rs))
	for i := range rs {
		out[i] = toJSON(&rs[i])
	}
	return map[string]any{"backup_histories": out}, nil
}

// handleGetExport is GET exports/{unique_id}.
func (s *Service) handleGetExport(c *httpapi.Call) (any, error) {
	e, err := s.store.ExportByID(c.Ctx, c.P.String(":id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"backup_history": backupJSONOf(c.R, &e)}, nil
}

// handleDeleteExport is DELETE exports/{unique_id}; the download goes too.
func (s *Service) handleDeleteExport(c *httpapi.Call) (any, error) {
	e, err := s.store.DeleteExport(c.Ctx, c.P.String(":id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"backup_history": backupJSONOf(c.R, &e)}, nil
}

// serveExportDownload serves a finished export's JSON file.
func (s *Service) ServeDownload(w http.ResponseWriter, r *http.Request, uid string) {
	e, content, err := s.store.ExportFile(r.Context(), uid)
	if err != nil {
		httpapi.WriteError(s.log, w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", e.Filename))
	http.ServeContent(w, r, "", time.Unix(0, e.CreatedAt), bytes.NewReader(content))
}

// runExport writes the file batch by batch, updating the percentage.
func (s *Service) runExport(ctx context.Context, uid, resource string, from, to int64) {
	bg := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	}
	fail := func(err error) {
		s.log.Error("export failed", "export", uid, "type", resource, "err", err)
		uctx, cancel := bg()
		defer cancel()
		msg := "export failed: internal error"
		if errors.Is(err, context.Canceled) {
			msg = "export interrupted: the server shut down"
		}
		if err := s.store.FailExport(uctx, uid, msg); err != nil {
			s.log.Error("record export failure", "export", uid, "err", err)
		}
	}
	size, delay := s.exportBatches()
	ex := exporter{st: s.store, from: from, to: to, size: size}
	total, maxID, err := s.store.CountCreated(ctx, resource, from, to)
	if err != nil {
		fail(err)
		return
	}
	if err := s.store.ExportProgress(ctx, uid, 0, total); err != nil {
		fail(err)
		return
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	var done, after int64
	for batch := int64(0); batch <= total/size+1 && done < total; batch++ {
		items, last, err := ex.batch(ctx, resource, after, maxID)
		if err != nil {
			fail(err)
			return
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			if done > 0 {
				buf.WriteByte(',')
			}
			b, err := json.Marshal(it)
			if err != nil {
				fail(err)
				return
			}
			buf.WriteString("\n  ")
			buf.Write(b)
			done++
		}
		after = last
		pct := int(done * 100 / max(total, 1))
		if err := s.store.ExportProgress(ctx, uid, min(pct, 99), total); err != nil {
			fail(err)
			return
		}
		if delay > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(delay):
			}
		}
		if ctx.Err() != nil {
			fail(ctx.Err())
			return
		}
	}
	buf.WriteString("\n]\n")
	uctx, cancel := bg()
	defer cancel()
	if err := s.store.FinishExport(uctx, uid, buf.Bytes(), done); err != nil {
		fail(err)
		return
	}
	s.log.Info("export finished", "export", uid, "type", resource, "rows", done, "bytes", buf.Len())
}

// The export (and import) row formats of the Qiscus docs. Fields marked as
// extensions are this server's: they make a round trip lossless and are
// optional on import.

type exportUser struct {
	Email               string          `json:"Email"`
	Name                string          `json:"Name"`
	AvatarURL           string          `json:"AvatarUrl"`
	AuthenticationToken string          `json:"AuthenticationToken"`
	Password            string          `json:"Password"` // never exported (passwords are stored hashed)
	CreateAt            string          `json:"CreateAt"`
	CreatedAt           string          `json:"CreatedAt,omitempty"` // import: accepted for CreateAt
	PasswordHash        string          `json:"PasswordHash"`        // extension: the stored hash
	Extras              json.RawMessage `json:"Extras"`              // extension
}

type exportRoom struct {
	Name              string   `json:"Name"`
	Type              string   `json:"Type"`
	Options           string   `json:"Options"`
	CreatorEmail      string   `json:"CreatorEmail"`
	CreatedAt         string   `json:"CreatedAt"`
	AvatarURL         string   `json:"AvatarUrl"`
	UniqueID          string   `json:"UniqueId"`
	ParticipantEmails []string `json:"ParticipantEmails"`
	IsPublicChannel   bool     `json:"IsPublicChannel"` // extension
}

type exportComment struct {
	Message               string          `json:"Message"`
	DisableLinkPreview    bool            `json:"DisableLinkPreview"`
	Type                  string          `json:"Type"`
	UniqueID              string          `json:"UniqueId"`
	CreatorEmail          string          `json:"CreatorEmail"`
	RoomUniqueID          string          `json:"RoomUniqueId"`
	CreatedAt             string          `json:"CreatedAt"`
	Payload               json.RawMessage `json:"Payload"`
	ParentCommentUniqueID string          `json:"ParentCommentUniqueId"`
	Extras                json.RawMessage `json:"Extras"`    // extension
	IsDeleted             bool            `json:"IsDeleted"` // extension
}

func exportTime(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }

type exporter struct {
	st       Store
	from, to int64
	size     int64            // rows per batch
	rooms    map[int64]string // room id → unique id
}

// batch returns the next rows after id after (up to maxID) and the last id.
func (ex *exporter) batch(ctx context.Context, resource string, after, maxID int64) ([]any, int64, error) {
	p := store.Page{After: after, Max: maxID, From: ex.from, To: ex.to, Limit: int(ex.size)}
	switch resource {
	case "users":
		return exportRows(ctx, p, ex.st.UsersPage, userRow)
	case "rooms":
		return exportRows(ctx, p, ex.st.RoomsPage, func(r *store.Room) (any, int64, error) { return ex.roomRow(ctx, r) })
	default:
		return exportRows(ctx, p, ex.st.CommentsPage, func(c *store.Comment) (any, int64, error) { return ex.commentRow(ctx, c) })
	}
}

// exportRows fetches a page of records and turns each into an export row;
// row also gives the record's id, so the last one is the next cursor.
func exportRows[T any](ctx context.Context, p store.Page, fetch func(context.Context, store.Page) ([]T, error),
	row func(*T) (any, int64, error)) ([]any, int64, error) {
	rs, err := fetch(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	out := make([]any, 0, len(rs))
	var last int64
	for i := range rs {
		x, id, err := row(&rs[i])
		if err != nil {
			return nil, 0, err
		}
		out, last = append(out, x), id
	}
	return out, last, nil
}

func userRow(u *store.StoredUser) (any, int64, error) {
	return exportUser{
		Email: u.ID, PasswordHash: u.PasswordHash, Name: u.Username, AvatarURL: u.AvatarURL,
		AuthenticationToken: u.Token, Extras: wire.Object(u.Extras), CreateAt: exportTime(u.CreatedAt),
	}, u.PK, nil
}

func (ex *exporter) roomRow(ctx context.Context, r *store.Room) (any, int64, error) {
	x := exportRoom{
		UniqueID: r.UniqueID, Name: r.Name, AvatarURL: r.AvatarURL, Options: r.Options,
		IsPublicChannel: r.IsPublicChannel, Type: wire.ChatType(r.ChatType), CreatedAt: exportTime(r.CreatedAt),
	}
	d, err := ex.st.RoomDetail(ctx, r.ID)
	if err != nil {
		return nil, 0, err
	}
	x.ParticipantEmails = make([]string, len(d.Participants))
	for i := range d.Participants {
		x.ParticipantEmails[i] = d.Participants[i].ID
	}
	if x.CreatorEmail, err = ex.st.RoomCreator(ctx, r.ID); err != nil {
		return nil, 0, err
	}
	if x.CreatorEmail == "" && len(d.Participants) > 0 {
		x.CreatorEmail = d.Participants[0].ID
	}
	if x.Type == "single" {
		x.Name = wire.RoomName(d)
	}
	return x, r.ID, nil
}

func (ex *exporter) commentRow(ctx context.Context, c *store.Comment) (any, int64, error) {
	if ex.rooms == nil {
		ex.rooms = map[int64]string{}
	}
	var err error
	roomUID, ok := ex.rooms[c.RoomID]
	if !ok {
		r, err := ex.st.RoomByID(ctx, c.RoomID)
		if err != nil {
			return nil, 0, err
		}
		roomUID, ex.rooms[c.RoomID] = r.UniqueID, r.UniqueID
	}
	ec := exportComment{
		Message: c.Message, DisableLinkPreview: c.DisableLinkPreview, Type: c.Type, UniqueID: c.UniqueTempID,
		CreatorEmail: c.Sender.ID, RoomUniqueID: roomUID, CreatedAt: exportTime(c.CreatedAt),
		Payload: c.Payload, Extras: c.Extras, IsDeleted: c.IsDeleted,
	}
	if ec.Payload == nil {
		ec.Payload = json.RawMessage("null")
	}
	if ec.Extras == nil {
		ec.Extras = json.RawMessage("null")
	}
	if c.Type == "reply" {
		if ec.ParentCommentUniqueID, err = ex.parentUniqueID(ctx, c); err != nil {
			return nil, 0, err
		}
	}
	return ec, c.ID, nil
}

// parentUniqueID is the unique id of the message a reply refers to, or "".
func (ex *exporter) parentUniqueID(ctx context.Context, c *store.Comment) (string, error) {
	var p struct {
		ID json.Number `json:"replied_comment_id"`
	}
	if json.Unmarshal(c.Payload, &p) != nil {
		return "", nil
	}
	id, err := p.ID.Int64()
	if err != nil {
		return "", nil
	}
	return ex.st.CommentUniqueID(ctx, c.RoomID, id)
}

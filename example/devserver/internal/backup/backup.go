package backup

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/httpapi"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// Service runs the server API's exports and imports: their endpoints, and
// the background jobs that write the files and the rows.
type Service struct {
	ctx      context.Context // the server's: jobs stop when it is done
	log      *slog.Logger
	store    Store
	chat     httpapi.ImportRunner
	tokenTTL time.Duration // of imported users' tokens

	// exportBatch and exportDelay are the rows per export batch (0 =
	// defaultExportBatch) and a pause after each: tests shrink the batches
	// and slow them down to watch the percentage rise.
	exportBatch, exportDelay atomic.Int64

	mu     sync.Mutex // guards closed and jobs.Add against close
	closed bool
	jobs   sync.WaitGroup
}

// Store is what exports and imports read and record (the store).
type Store interface {
	CountCreated(ctx context.Context, table string, from, to int64) (total, maxID int64, err error)
	UsersPage(ctx context.Context, p store.Page) ([]store.StoredUser, error)
	RoomsPage(ctx context.Context, p store.Page) ([]store.Room, error)
	CommentsPage(ctx context.Context, p store.Page) ([]store.Comment, error)
	CommentUniqueID(ctx context.Context, roomID, id int64) (string, error)
	RoomCreator(ctx context.Context, roomID int64) (string, error)
	RoomByID(ctx context.Context, id int64) (store.Room, error)
	RoomDetail(ctx context.Context, id int64) (*store.RoomDetail, error)

	CreateExport(ctx context.Context, e store.ExportRecord) error
	ExportByID(ctx context.Context, uid string) (store.ExportRecord, error)
	ListExports(ctx context.Context, limit, offset int) ([]store.ExportRecord, error)
	DeleteExport(ctx context.Context, uid string) (store.ExportRecord, error)
	ExportProgress(ctx context.Context, uid string, percentage int, totalRows int64) error
	FinishExport(ctx context.Context, uid string, content []byte, totalRows int64) error
	FailExport(ctx context.Context, uid, msg string) error
	ExportFile(ctx context.Context, uid string) (store.ExportRecord, []byte, error)

	CreateImport(ctx context.Context, r store.ImportRecord) error
	ImportByID(ctx context.Context, uid string) (store.ImportRecord, error)
	ListImports(ctx context.Context, limit, offset int) ([]store.ImportRecord, error)
	FinishImport(ctx context.Context, uid, status string, totalRows int64, errs []byte) error
}

func New(ctx context.Context, log *slog.Logger, st Store, chat httpapi.ImportRunner, tokenTTL time.Duration) *Service {
	return &Service{ctx: ctx, log: log, store: st, chat: chat, tokenTTL: tokenTTL}
}

// endpoints are the server API's endpoints of exports and imports; an id in
// the path arrives as the parameter ":id".
func (s *Service) Endpoints() map[string]func(*httpapi.Call) (any, error) {
	return map[string]func(*httpapi.Call) (any, error){
		"POST exports":       s.handleCreateExport,
		"GET exports":        s.handleListExports,
		"GET exports/:id":    s.handleGetExport,
		"DELETE exports/:id": s.handleDeleteExport,
		"POST imports":       s.handleCreateImport,
		"GET imports":        s.handleListImports,
		"GET imports/:id":    s.handleGetImport,
	}
}

// setExportBatches sets the rows per export batch (0 = the default) and the
// pause after each (tests only).
func (s *Service) SetExportBatches(size int64, delay time.Duration) {
	s.exportBatch.Store(size)
	s.exportDelay.Store(int64(delay))
}

func (s *Service) exportBatches() (int64, time.Duration) {
	size := s.exportBatch.Load()
	if size <= 0 {
		size = defaultExportBatch
	}
	return size, time.Duration(s.exportDelay.Load())
}

// close waits for the background jobs; the server's context is already done.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.jobs.Wait()
}

// goJob runs a background job unless the server is shutting down (the job's
// record then stays "started").
func (s *Service) goJob(name string, fn func(ctx context.Context)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.ctx.Err() != nil {
		s.log.Warn("background job not started: shutting down", "job", name)
		return
	}
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("background job panicked", "job", name, "panic", v)
			}
		}()
		fn(s.ctx)
	}()
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
)

// Backup history of exports and imports (restapi_exports, restapi_imports).

// jobTable is one of the two history tables: both are keyed by unique_id and
// listed newest first, so one lookup and one listing serve both.
type jobTable[T any] struct {
	name, columns string
	scan          func(scanner) (T, error)
	notFound      error // the sentinel for an unknown unique_id
}

func (t jobTable[T]) byID(ctx context.Context, q querier, uid string) (T, error) {
	r, err := t.scan(q.QueryRowContext(ctx, "SELECT "+t.columns+" FROM "+t.name+" WHERE unique_id = ?", uid))
	if err != nil {
		var zero T
		return zero, notFound(err, t.notFound, fmt.Sprintf("%q", uid))
	}
	return r, nil
}

func (t jobTable[T]) list(ctx context.Context, q querier, limit, offset int, what string) ([]T, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+t.columns+" FROM "+t.name+" ORDER BY id DESC LIMIT ? OFFSET ?",
		limit, offset)
	return scanAll(rows, err, what, t.scan)
}

type ExportRecord struct {
	UniqueID, Resource, StartDate, EndDate, Status, ErrorMessage, Filename string
	Percentage                                                             int
	TotalRows, Size, CreatedAt                                             int64
}

const exportColumns = `unique_id, resource_name, start_date, end_date, status, error_message, original_filename,
	percentage, total_rows, size, created_at`

func scanExport(row scanner) (ExportRecord, error) {
	var e ExportRecord
	err := row.Scan(&e.UniqueID, &e.Resource, &e.StartDate, &e.EndDate, &e.Status, &e.ErrorMessage, &e.Filename,
		&e.Percentage, &e.TotalRows, &e.Size, &e.CreatedAt)
	return e, err
}

var exportsTable = jobTable[ExportRecord]{"restapi_exports", exportColumns, scanExport,
	fmt.Errorf("export %w", apierr.ErrNotFound)}

func (st *Store) CreateExport(ctx context.Context, e ExportRecord) error {
	_, err := st.DB.ExecContext(ctx, `INSERT INTO restapi_exports
		(unique_id, resource_name, start_date, end_date, status, original_filename, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.UniqueID, e.Resource, e.StartDate, e.EndDate, e.Status, e.Filename, e.CreatedAt)
	if err != nil {
		return fmt.Errorf("record export: %w", err)
	}
	return nil
}

func (st *Store) ExportByID(ctx context.Context, uid string) (ExportRecord, error) {
	return exportsTable.byID(ctx, st.DB, uid)
}

func (st *Store) ListExports(ctx context.Context, limit, offset int) ([]ExportRecord, error) {
	return exportsTable.list(ctx, st.DB, limit, offset, "list exports")
}

// DeleteExport removes an export with its file and returns what it was.
func (st *Store) DeleteExport(ctx context.Context, uid string) (ExportRecord, error) {
	var e ExportRecord
	err := st.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = exportsTable.byID(ctx, tx, uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM restapi_exports WHERE unique_id = ?", uid); err != nil {
			return fmt.Errorf("delete export %q: %w", uid, err)
		}
		return nil
	})
	return e, err
}

func (st *Store) ExportProgress(ctx context.Context, uid string, percentage int, totalRows int64) error {
	_, err := st.DB.ExecContext(ctx, "UPDATE restapi_exports SET percentage = ?, total_rows = ? WHERE unique_id = ?",
		percentage, totalRows, uid)
	return err
}

func (st *Store) FinishExport(ctx context.Context, uid string, content []byte, totalRows int64) error {
	_, err := st.DB.ExecContext(ctx, `UPDATE restapi_exports SET status = 'finished', percentage = 100,
		total_rows = ?, size = ?, content = ? WHERE unique_id = ?`, totalRows, len(content), content, uid)
	return err
}

func (st *Store) FailExport(ctx context.Context, uid, msg string) error {
	_, err := st.DB.ExecContext(ctx, "UPDATE restapi_exports SET status = 'failed', error_message = ? WHERE unique_id = ?",
		msg, uid)
	return err
}

// ExportFile returns a finished export's file.
func (st *Store) ExportFile(ctx context.Context, uid string) (ExportRecord, []byte, error) {
	var content []byte
	e, err := st.ExportByID(ctx, uid)
	if err != nil {
		return e, nil, err
	}
	if e.Status != "finished" {
		return e, nil, fmt.Errorf("%w: export %q is %s (%d%%)", apierr.ErrNotFound, uid, e.Status, e.Percentage)
	}
	if err := st.DB.QueryRowContext(ctx, "SELECT content FROM restapi_exports WHERE unique_id = ?", uid).Scan(&content); err != nil {
		return e, nil, notFound(err, exportsTable.notFound, fmt.Sprintf("%q", uid))
	}
	return e, content, nil
}

type ImportRecord struct {
	UniqueID, Resource, Filename, Status string
	Errors                               []byte // JSON
	Size, TotalRows, CreatedAt           int64
}

const importColumns = "unique_id, resource_name, original_filename, status, errors, size, total_rows, created_at"

func scanImport(row scanner) (ImportRecord, error) {
	var r ImportRecord
	var errs string
	err := row.Scan(&r.UniqueID, &r.Resource, &r.Filename, &r.Status, &errs, &r.Size, &r.TotalRows, &r.CreatedAt)
	r.Errors = []byte(errs)
	return r, err
}

var importsTable = jobTable[ImportRecord]{"restapi_imports", importColumns, scanImport,
	fmt.Errorf("import %w", apierr.ErrNotFound)}

func (st *Store) CreateImport(ctx context.Context, r ImportRecord) error {
	_, err := st.DB.ExecContext(ctx, `INSERT INTO restapi_imports
		(unique_id, resource_name, original_filename, size, status, errors, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.UniqueID, r.Resource, r.Filename, r.Size, r.Status, string(r.Errors), r.CreatedAt)
	if err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	return nil
}

func (st *Store) ImportByID(ctx context.Context, uid string) (ImportRecord, error) {
	return importsTable.byID(ctx, st.DB, uid)
}

func (st *Store) ListImports(ctx context.Context, limit, offset int) ([]ImportRecord, error) {
	return importsTable.list(ctx, st.DB, limit, offset, "list imports")
}

func (st *Store) FinishImport(ctx context.Context, uid, status string, totalRows int64, errs []byte) error {
	_, err := st.DB.ExecContext(ctx, "UPDATE restapi_imports SET status = ?, total_rows = ?, errors = ? WHERE unique_id = ?",
		status, totalRows, string(errs), uid)
	return err
}

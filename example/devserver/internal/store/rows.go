package store

import (
	"database/sql"
	"fmt"
)

type scanner interface{ Scan(dest ...any) error }

// scanAll reads every row of a query with scan and closes the rows; what
// names the query in errors. It never returns a nil slice.
func scanAll[T any](rows *sql.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func scanInt64(r scanner) (int64, error) {
	var v int64
	err := r.Scan(&v)
	return v, err
}

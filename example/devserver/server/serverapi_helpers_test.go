package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// Helpers for the server API tests (/api/v2/rest/).

const restSecret = "dev-secret"

func restHeaders() map[string]string { return map[string]string{"QISCUS_SDK_SECRET": restSecret} }

// restForm sends a form-encoded POST (or DELETE) to /api/v2/rest/endpoint.
func (e *testEnv) restForm(endpoint string, v url.Values) resp {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v2/rest/"+endpoint, restHeaders(), formType, v.Encode())
}

// restGet sends a GET with v as the query string.
func (e *testEnv) restGet(endpoint string, v url.Values) resp {
	e.t.Helper()
	q := ""
	if len(v) > 0 {
		q = "?" + v.Encode()
	}
	return e.do(http.MethodGet, "/api/v2/rest/"+endpoint+q, restHeaders(), "", "")
}

// restJSON POSTs v as a JSON body.
func (e *testEnv) restJSON(endpoint string, v any) resp {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, "/api/v2/rest/"+endpoint, restHeaders(), "application/json", string(b))
}

// restLogin registers (or updates) a user through the server API with a known
// password, so the SDK API can log in as them too.
func (e *testEnv) restLogin(id, name string) *testUser {
	e.t.Helper()
	u := &testUser{ID: id, Password: "pw-" + id, Name: name}
	r := e.restForm("login_or_register", url.Values{"email": {id}, "password": {u.Password}, "username": {name}})
	mustStatus(e.t, r, 200)
	u.Token, u.PK = r.str("results.user.token"), r.num("results.user.id")
	return u
}

// restGroup creates a group room through the server API and returns its id.
func (e *testEnv) restGroup(name string, creator *testUser, members ...*testUser) int64 {
	e.t.Helper()
	v := url.Values{"name": {name}, "creator": {creator.ID}}
	for _, m := range members {
		v.Add("participants[]", m.ID)
	}
	r := e.restForm("create_room", v)
	mustStatus(e.t, r, 200)
	return r.num("results.room_id")
}

// restPost posts a message through the server API and returns the response.
func (e *testEnv) restPost(sender *testUser, roomID int64, typ, msg string, payload any) resp {
	e.t.Helper()
	body := map[string]any{"sender_email": sender.ID, "room_id": fmt.Sprint(roomID), "message": msg, "type": typ}
	if payload != nil {
		body["payload"] = payload
	}
	return e.restJSON("post_comment", body)
}

// dump renders every row of every table (sqlite_sequence included), or of the
// tables named, so a test can check that a refused request changed nothing.
func (e *testEnv) dump(only ...string) string {
	e.t.Helper()
	db := e.s.store.DB
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		if len(only) == 0 || slices.Contains(only, n) {
			tables = append(tables, n)
		}
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		rs, err := db.Query("SELECT * FROM " + tb)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			var l strings.Builder
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&l, "%s=%v;", cols[i], v)
			}
			lines = append(lines, l.String())
		}
		rs.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d rows)\n%s\n", tb, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// unchanged runs fn and fails when the database differs afterwards.
func (e *testEnv) unchanged(fn func()) {
	e.t.Helper()
	before := e.dump()
	fn()
	if after := e.dump(); after != before {
		e.t.Errorf("the database changed:\n--- before\n%s\n--- after\n%s", before, after)
	}
}

// count returns SELECT COUNT(*) FROM table [WHERE …].
func (e *testEnv) count(table, where string, args ...any) int {
	e.t.Helper()
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := e.s.store.DB.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// eventually polls cond every 20 ms until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for i := 0; i < int(d/(20*time.Millisecond))+1; i++ {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !cond() {
		t.Fatalf("timed out after %s waiting for %s", d, what)
	}
}

// multipartBody builds a multipart/form-data body with text fields and one
// file (skipped when filename is "").
func restMultipartBody(t *testing.T, fields map[string]string, filename string, file []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

// restImport uploads a file to POST imports.
func (e *testEnv) restImport(resource, filename string, file []byte) resp {
	e.t.Helper()
	ct, body := restMultipartBody(e.t, map[string]string{"type": resource}, filename, file)
	return e.do(http.MethodPost, "/api/v2/rest/imports", restHeaders(), ct, body)
}

// waitImport polls the import until it is no longer "started" and returns it.
func (e *testEnv) waitImport(uid string) resp {
	e.t.Helper()
	var r resp
	eventually(e.t, 10*time.Second, "import "+uid, func() bool {
		r = e.restGet("imports/"+uid, nil)
		return r.str("results.backup_history.status") != "started"
	})
	return r
}

// waitExport polls the export until it is no longer "started" and returns it.
func (e *testEnv) waitExport(uid string) resp {
	e.t.Helper()
	var r resp
	eventually(e.t, 10*time.Second, "export "+uid, func() bool {
		r = e.restGet("exports/"+uid, nil)
		return r.str("results.backup_history.status") != "started"
	})
	return r
}

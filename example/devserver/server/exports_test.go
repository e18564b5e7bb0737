package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// download GETs an export's download_url without any header (it is a
// capability URL) and returns the body.
func download(t *testing.T, link string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// The docs' export examples: results {created_at, download_url, error_message,
// original_filename, percentage, resource_name, size, status, total_rows,
// unique_id}; the list under backup_histories, one under backup_history.
func TestExports(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.restLogin("alice", "Alice"), e.restLogin("bob", "Bob")
	room := e.restGroup("g", alice, bob)
	const n = 60
	for i := range n {
		mustStatus(t, e.restPost(alice, room, "text", fmt.Sprint("m", i), nil), 200)
	}
	e.s.backup.SetExportBatches(10, 40*time.Millisecond)

	r := e.restForm("exports", url.Values{"type": {"comments"}})
	mustStatus(t, r, 200)
	uid := r.str("results.unique_id")
	created := r.str("results.created_at")
	checkFields(t, r, []fieldWant{
		{"results.download_url", ""}, {"results.error_message", ""},
		{"results.original_filename", created + "_exported_comments.json"}, {"results.percentage", 0},
		{"results.resource_name", "comments"}, {"results.size", 0}, {"results.status", "started"}, {"results.total_rows", 0},
	})
	if !uuidRE.MatchString(uid) {
		t.Errorf("unique_id %q is not a UUID", uid)
	}
	if _, err := time.Parse(time.RFC3339, created); err != nil {
		t.Errorf("created_at %q: %v", created, err)
	}
	// While it runs: no download yet, and the percentage rises.
	checkError(t, e.do(http.MethodGet, "/api/v2/rest/exports/"+uid+"/download", nil, "", ""), 404, "is started")
	var seen []int64
	var g resp
	eventually(t, 15*time.Second, "export to finish", func() bool {
		g = e.restGet("exports/"+uid, nil)
		mustStatus(t, g, 200)
		seen = append(seen, g.num("results.backup_history.percentage"))
		return g.str("results.backup_history.status") == "finished"
	})
	between := false
	for i, p := range seen {
		if i > 0 && p < seen[i-1] {
			t.Errorf("percentage went down: %v", seen)
		}
		between = between || (p > 0 && p < 100)
	}
	if !between {
		t.Errorf("no progress between 0 and 100 seen: %v", seen)
	}
	link := g.str("results.backup_history.download_url")
	checkFields(t, g, []fieldWant{
		{"results.backup_history.percentage", 100}, {"results.backup_history.total_rows", n},
		{"results.backup_history.error_message", ""}, {"results.backup_history.unique_id", uid},
		{"results.backup_history.download_url", e.ts.URL + "/api/v2/rest/exports/" + uid + "/download"},
	})

	res, body := download(t, link)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), created+"_exported_comments.json") {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
	if int64(len(body)) != g.num("results.backup_history.size") {
		t.Errorf("size %d, file %d bytes", g.num("results.backup_history.size"), len(body))
	}
	var rows []map[string]any
	if err := json.Unmarshal(body, &rows); err != nil || len(rows) != n {
		t.Fatalf("file: %d rows (%v)", len(rows), err)
	}
	for _, k := range []string{"Message", "DisableLinkPreview", "Type", "UniqueId", "CreatorEmail", "RoomUniqueId", "CreatedAt", "Payload", "ParentCommentUniqueId"} {
		if _, ok := rows[0][k]; !ok {
			t.Errorf("exported comment has no %s: %v", k, rows[0])
		}
	}
	if rows[0]["Message"] != "m0" || rows[n-1]["Message"] != fmt.Sprint("m", n-1) || rows[0]["CreatorEmail"] != "alice" {
		t.Errorf("rows %v … %v", rows[0], rows[n-1])
	}

	e.s.backup.SetExportBatches(0, 0)
	t.Run("users and rooms, date range", func(t *testing.T) {
		e := e.in(t)
		today := time.Now().UTC().Format("2006-01-02")
		yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
		for _, tt := range []struct {
			v    url.Values
			rows int
		}{
			{url.Values{"type": {"users"}, "start_date": {today}, "end_date": {today}}, 2},
			{url.Values{"type": {"users"}, "end_date": {yesterday}}, 0},
			{url.Values{"type": {"rooms"}}, 1},
		} {
			r := e.restForm("exports", tt.v)
			mustStatus(t, r, 200)
			g := e.waitExport(r.str("results.unique_id"))
			checkFields(t, g, []fieldWant{{"results.backup_history.status", "finished"}, {"results.backup_history.total_rows", tt.rows}})
			_, body := download(t, g.str("results.backup_history.download_url"))
			var rows []map[string]any
			if err := json.Unmarshal(body, &rows); err != nil || len(rows) != tt.rows {
				t.Errorf("%v: %d rows (%v): %s", tt.v, len(rows), err, body)
			}
		}
	})
	t.Run("list, newest first", func(t *testing.T) {
		e := e.in(t)
		r := e.restGet("exports", nil)
		mustStatus(t, r, 200)
		list := r.list("results.backup_histories")
		if len(list) != 4 || at(list[3], "unique_id") != uid || at(list[3], "status") != "finished" {
			t.Fatalf("backup_histories %s", r.raw)
		}
		if at(list[0], "resource_name") != "rooms" {
			t.Errorf("not newest first: %v", at(list[0], "resource_name"))
		}
		r = e.restGet("exports", url.Values{"page": {"2"}})
		if l := r.list("results.backup_histories"); l == nil || len(l) != 0 {
			t.Errorf("page 2: %s", r.raw)
		}
	})
	t.Run("delete", func(t *testing.T) {
		e := e.in(t)
		r := e.do(http.MethodDelete, "/api/v2/rest/exports/"+uid, restHeaders(), "", "")
		mustStatus(t, r, 200)
		checkFields(t, r, []fieldWant{{"results.backup_history.unique_id", uid}, {"results.backup_history.status", "finished"},
			{"results.backup_history.total_rows", n}})
		checkError(t, e.restGet("exports/"+uid, nil), 404, "export not found")
		if res, _ := download(t, link); res.StatusCode != 404 {
			t.Errorf("download after delete: %d", res.StatusCode)
		}
		checkError(t, e.do(http.MethodDelete, "/api/v2/rest/exports/"+uid, restHeaders(), "", ""), 404, "export not found")
		if len(e.restGet("exports", nil).list("results.backup_histories")) != 3 {
			t.Error("deleted export still listed")
		}
	})

	errs := []struct {
		name string
		v    url.Values
		msg  string
	}{
		{"missing type", url.Values{}, "type is required"},
		{"bad type", url.Values{"type": {"messages"}}, `type must be "users", "rooms" or "comments"`},
		{"bad start_date", url.Values{"type": {"users"}, "start_date": {"17-07-2017"}}, "start_date must be YYYY-MM-DD"},
		{"bad end_date", url.Values{"type": {"users"}, "end_date": {"2017-13-01"}}, "end_date must be YYYY-MM-DD"},
		{"start after end", url.Values{"type": {"users"}, "start_date": {"2017-07-18"}, "end_date": {"2017-07-17"}}, "is after end_date"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			e.unchanged(func() { checkError(t, e.restForm("exports", tt.v), 400, tt.msg) })
		})
	}
	checkError(t, e.restGet("exports", url.Values{"page": {"x"}}), 400, "page must be an integer")
	checkError(t, e.do(http.MethodGet, "/api/v2/rest/exports/nope/download", nil, "", ""), 404, "export not found")
}

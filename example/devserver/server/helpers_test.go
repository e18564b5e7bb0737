package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testEnv is a Server on a real SQLite file behind a real HTTP server.
type testEnv struct {
	t      *testing.T
	s      *Server
	ts     *httptest.Server
	dbPath string
}

func newEnv(t *testing.T, mods ...func(*Config)) *testEnv {
	t.Helper()
	cfg := Config{AppID: "dev", Secret: "dev-secret", DBPath: filepath.Join(t.TempDir(), "qiscus.db"), Logger: debugLogger()}
	for _, m := range mods {
		m(&cfg)
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &testEnv{t: t, s: s, ts: ts, dbPath: cfg.DBPath}
}

type testUser struct {
	ID, Password, Name, Token string
	PK                        int64
}

// resp is a decoded JSON response.
type resp struct {
	status int
	path   string // the request's path
	header http.Header
	body   map[string]any
	raw    string
}

// at walks a decoded JSON value along a dotted path ("results.user.id",
// "results.comments.0.id").
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r resp) get(path string) any { return at(r.body, path) }

func (r resp) str(path string) string {
	s, _ := r.get(path).(string)
	return s
}

func (r resp) num(path string) int64 {
	n, _ := r.get(path).(json.Number)
	v, _ := n.Int64()
	return v
}

func (r resp) list(path string) []any {
	l, _ := r.get(path).([]any)
	return l
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, b)
	}
	return m
}

// do sends a request; hdr values of "" are not sent.
func (e *testEnv) do(method, path string, hdr map[string]string, ctype, body string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		if v != "" {
			req.Header[k] = []string{v} // raw key: keeps underscore spellings as sent
		}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := resp{status: res.StatusCode, path: path, header: res.Header, raw: string(b)}
	if len(b) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		r.body = decode(e.t, b)
	}
	return r
}

func appHeaders() map[string]string {
	return map[string]string{"QISCUS-SDK-APP-ID": "dev", "QISCUS-SDK-VERSION": "WEB_test"}
}

func authHeaders(u *testUser) map[string]string {
	h := appHeaders()
	if u != nil {
		h["QISCUS-SDK-USER-ID"] = u.ID
		h["QISCUS-SDK-TOKEN"] = u.Token
	}
	return h
}

const formType = "application/x-www-form-urlencoded"

func (e *testEnv) form(endpoint string, u *testUser, body string) resp {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v2/sdk/"+endpoint, authHeaders(u), formType, body)
}

func (e *testEnv) get(endpoint string, u *testUser) resp {
	e.t.Helper()
	return e.do(http.MethodGet, "/api/v2/sdk/"+endpoint, authHeaders(u), "", "")
}

func (e *testEnv) postJSON(endpoint string, u *testUser, v any) resp {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, "/api/v2/sdk/"+endpoint, authHeaders(u), "application/json", string(b))
}

func mustStatus(t *testing.T, r resp, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("HTTP %d, want %d: %s", r.status, want, r.raw)
	}
	if got := r.num("status"); got != int64(want) {
		t.Fatalf("body status %d, want %d: %s", got, want, r.raw)
	}
}

func (e *testEnv) login(id, name string) *testUser {
	e.t.Helper()
	u := &testUser{ID: id, Password: "pw-" + id, Name: name}
	r := e.form("login_or_register", nil, url.Values{"email": {id}, "password": {u.Password}, "username": {name}}.Encode())
	mustStatus(e.t, r, 200)
	u.Token, u.PK = r.str("results.user.token"), r.num("results.user.id")
	return u
}

// chat opens the single room of a and b (as a) and returns its id.
func (e *testEnv) chat(a, b *testUser) int64 {
	e.t.Helper()
	r := e.form("get_or_create_room_with_target", a, "emails="+url.QueryEscape(b.ID)+"&options=%7B%7D")
	mustStatus(e.t, r, 200)
	return r.num("results.room.id")
}

// post posts a text comment and returns the response.
func (e *testEnv) post(u *testUser, roomID int64, msg, uniqueID string) resp {
	e.t.Helper()
	return e.postJSON("post_comment", u, map[string]any{
		"comment": msg, "topic_id": fmt.Sprint(roomID), "unique_temp_id": uniqueID, "type": "text",
	})
}

func (e *testEnv) mustPost(u *testUser, roomID int64, msg string) resp {
	e.t.Helper()
	r := e.post(u, roomID, msg, "")
	mustStatus(e.t, r, 200)
	return r
}

func (e *testEnv) commentCount() int {
	e.t.Helper()
	var n int
	if err := e.s.store.DB.QueryRow("SELECT COUNT(*) FROM comments").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func debugLogger() *slog.Logger {
	if os.Getenv("DEVSERVER_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// in returns the env reporting to t, for use inside subtests.
func (e *testEnv) in(t *testing.T) *testEnv {
	c := *e
	c.t = t
	return &c
}

// send is do with the caller's headers (nil: the app id only).
func (e *testEnv) send(method, endpoint string, u *testUser, ctype, body string) resp {
	e.t.Helper()
	return e.do(method, "/api/v2/sdk/"+endpoint, authHeaders(u), ctype, body)
}

func (e *testEnv) sendJSON(method, endpoint string, u *testUser, v any) resp {
	e.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.send(method, endpoint, u, "application/json", string(b))
}

// group creates a group room owned by owner and returns its id.
func (e *testEnv) group(owner *testUser, name string, members ...*testUser) int64 {
	e.t.Helper()
	v := url.Values{"name": {name}}
	for _, m := range members {
		v.Add("participants[]", m.ID)
	}
	r := e.form("create_room", owner, v.Encode())
	mustStatus(e.t, r, 200)
	return r.num("results.room.id")
}

// uniqueID returns a room's unique id as u sees it.
func (e *testEnv) uniqueID(u *testUser, roomID int64) string {
	e.t.Helper()
	r := e.get(fmt.Sprint("get_room_by_id?id=", roomID), u)
	mustStatus(e.t, r, 200)
	return r.str("results.room.unique_id")
}

func (e *testEnv) nonce() string {
	e.t.Helper()
	r := e.do(http.MethodPost, "/api/v2/sdk/auth/nonce", appHeaders(), "", "")
	mustStatus(e.t, r, 200)
	return r.str("results.nonce")
}

// visibleIDs lists the ids of load_comments for u, newest first.
func (e *testEnv) visibleIDs(u *testUser, roomID int64) []int64 {
	e.t.Helper()
	r := e.get(fmt.Sprint("load_comments?topic_id=", roomID), u)
	mustStatus(e.t, r, 200)
	var out []int64
	for _, c := range r.list("results.comments") {
		n, _ := at(c, "id").(json.Number).Int64()
		out = append(out, n)
	}
	return out
}

// field collects one field of each object in a list, as strings.
func field(list []any, name string) []string {
	out := []string{}
	for _, v := range list {
		out = append(out, fmt.Sprint(at(v, name)))
	}
	return out
}

// nextJSON returns the next MQTT message decoded, checking its topic.
func (mc *mqttClient) nextJSON(topic string) resp {
	mc.t.Helper()
	m := mc.next()
	if m.Topic != topic {
		mc.t.Fatalf("message on %s, want %s: %s", m.Topic, topic, m.Payload)
	}
	return resp{body: decode(mc.t, m.Payload), raw: string(m.Payload)}
}

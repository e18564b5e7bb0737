package httpapi

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
)

func TestParseFormArrayForms(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		key    string
		want   []string
		isNull bool
	}{
		{"scalar", "emails=bob", "emails", []string{"bob"}, false},
		{"escaped scalar", "emails=a%20b%2Bc+d", "emails", []string{"a b+c d"}, false},
		{"k[] repeated (superagent)", "participants[]=a&participants[]=b", "participants", []string{"a", "b"}, false},
		{"k[] escaped brackets", "participants%5B%5D=a&participants%5B%5D=b", "participants", []string{"a", "b"}, false},
		{"k[][n] (qs in node)", "participants[][1]=b&participants[][0]=a", "participants", []string{"a", "b"}, false},
		{"k[n]", "emails[1]=y&emails[0]=x", "emails", []string{"x", "y"}, false},
		{"repeated plain key", "emails=a&emails=b", "emails", []string{"a", "b"}, false},
		{"bare key is null", "email=a&extras", "extras", []string{}, true},
		{"empty value", "extras=", "extras", []string{}, false},
		{"empty array element dropped", "emails[]=&emails[]=z", "emails", []string{"z"}, false},
		{"nested object key is not an array", "options[color]=red", "options[color]", []string{"red"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseForm(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Has(tt.key) {
				t.Fatalf("key %q missing: %v", tt.key, p.m)
			}
			if got := p.Strings(tt.key); !slices.Equal(got, tt.want) {
				t.Errorf("Strings(%q) = %q, want %q", tt.key, got, tt.want)
			}
			if got := p.m[tt.key].null; got != tt.isNull {
				t.Errorf("null = %v, want %v", got, tt.isNull)
			}
		})
	}
}

func TestParseFormMalformed(t *testing.T) {
	if _, err := ParseForm("a=%zz"); err == nil {
		t.Fatal("want error for bad escape")
	}
}

func TestArrayKey(t *testing.T) {
	tests := []struct {
		key  string
		name string
		idx  int
		ok   bool
	}{
		{"k[]", "k", -1, true},
		{"k[3]", "k", 3, true},
		{"k[][2]", "k", 2, true},
		{"k", "", 0, false},
		{"[]", "", 0, false},
		{"k[x]", "", 0, false},
		{"k[]]", "", 0, false},
		{"k[-1]", "", 0, false},
		{"k[][]", "", 0, false},
	}
	for _, tt := range tests {
		name, idx, ok := arrayKey(tt.key)
		if name != tt.name || idx != tt.idx || ok != tt.ok {
			t.Errorf("arrayKey(%q) = %q, %d, %v; want %q, %d, %v", tt.key, name, idx, ok, tt.name, tt.idx, tt.ok)
		}
	}
}

func TestParamsAccessors(t *testing.T) {
	tests := []struct {
		name  string
		ctype string
		body  string
		check func(t *testing.T, p Params)
	}{
		{"json scalars", "application/json", `{"topic_id":"12","n":7,"f":2.0,"b":true,"s":"x","nul":null}`, func(t *testing.T, p Params) {
			for k, want := range map[string]int64{"topic_id": 12, "n": 7, "f": 2} {
				if v, ok, err := p.Int64(k); err != nil || !ok || v != want {
					t.Errorf("Int64(%s) = %d %v %v", k, v, ok, err)
				}
			}
			if b, err := p.Bool("b"); err != nil || !b {
				t.Errorf("Bool(b) = %v %v", b, err)
			}
			if _, ok, _ := p.Int64("nul"); ok {
				t.Error("null must be absent for Int64")
			}
			if !p.Has("nul") || p.String("nul") != "" {
				t.Error("null must be present but empty")
			}
		}},
		{"json array of mixed", "application/json", `{"emails":["a",2,null,"b"]}`, func(t *testing.T, p Params) {
			if got := p.Strings("emails"); !slices.Equal(got, []string{"a", "2", "b"}) {
				t.Errorf("Strings = %q", got)
			}
		}},
		{"json object kept", "application/json", `{"payload":{"type":"x","content":{"a":1}}}`, func(t *testing.T, p Params) {
			raw, err := p.JSON("payload")
			if err != nil || string(raw) != `{"type":"x","content":{"a":1}}` {
				t.Errorf("JSON = %s %v", raw, err)
			}
		}},
		{"json string holding json", "application/json", `{"extras":"{\"a\":1}"}`, func(t *testing.T, p Params) {
			raw, err := p.JSONObject("extras")
			if err != nil || string(raw) != `{"a":1}` {
				t.Errorf("JSONObject = %s %v", raw, err)
			}
		}},
		{"form json string", "application/x-www-form-urlencoded", `extras=%7B%22a%22%3A1%7D&options=%5B1%5D`, func(t *testing.T, p Params) {
			raw, err := p.JSONObject("extras")
			if err != nil || string(raw) != `{"a":1}` {
				t.Errorf("JSONObject = %s %v", raw, err)
			}
			if _, err := p.JSONObject("options"); err == nil {
				t.Error("an array is not an object")
			}
		}},
		{"form bad json", "application/x-www-form-urlencoded", `extras=%7Bnope`, func(t *testing.T, p Params) {
			if _, err := p.JSON("extras"); err == nil {
				t.Error("want error")
			}
		}},
		{"form null json", "application/x-www-form-urlencoded", `extras&x=1`, func(t *testing.T, p Params) {
			if raw, err := p.JSON("extras"); err != nil || raw != nil {
				t.Errorf("JSON = %s %v", raw, err)
			}
		}},
		{"booleans", "application/x-www-form-urlencoded", `a=true&b=false&c=1&d=yes`, func(t *testing.T, p Params) {
			if v, _ := p.Bool("a"); !v {
				t.Error("a")
			}
			if v, _ := p.Bool("b"); v {
				t.Error("b")
			}
			if v, _ := p.Bool("c"); !v {
				t.Error("c")
			}
			if _, err := p.Bool("d"); err == nil {
				t.Error("d must be an error")
			}
			if v, _ := p.Bool("missing"); v {
				t.Error("missing must be false")
			}
		}},
		{"bad int", "application/x-www-form-urlencoded", `id=abc&f=1.5`, func(t *testing.T, p Params) {
			if _, _, err := p.Int64("id"); err == nil {
				t.Error("id")
			}
			if _, _, err := p.Int64("f"); err == nil {
				t.Error("f")
			}
		}},
		{"limit", "application/x-www-form-urlencoded", `a=500&b=0&c=7`, func(t *testing.T, p Params) {
			for k, want := range map[string]int{"a": 100, "b": 20, "c": 7, "none": 20} {
				if got, err := p.Limit(k, 20, 100); err != nil || got != want {
					t.Errorf("limit(%s) = %d %v, want %d", k, got, err, want)
				}
			}
		}},
		{"json without content type", "", `{"a":"b"}`, func(t *testing.T, p Params) {
			if p.String("a") != "b" {
				t.Errorf("a = %q", p.String("a"))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tt.body))
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			p, err := ParseParams(r)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestParseParamsMergesQueryAndBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/x?a=query&b=query", strings.NewReader("b=body"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p, err := ParseParams(r)
	if err != nil {
		t.Fatal(err)
	}
	if p.String("a") != "query" || p.String("b") != "body" {
		t.Errorf("a=%q b=%q", p.String("a"), p.String("b"))
	}
}

func TestParseParamsRejects(t *testing.T) {
	tests := []struct{ name, ctype, body string }{
		{"json not an object", "application/json", `[1,2]`},
		{"broken json", "application/json", `{"a":`},
		{"too large", "application/x-www-form-urlencoded", "a=" + strings.Repeat("x", maxBodyBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			_, err := ParseParams(r)
			if status, _ := apierr.Response(err); status != http.StatusBadRequest {
				t.Fatalf("status %d (err %v), want 400", status, err)
			}
		})
	}
}

// A Reader reports the first bad field in reading order and returns zero
// values after it, as checking each read in turn would.
func TestReaderKeepsFirstError(t *testing.T) {
	p, err := ParseForm("n=7&bad=x&flag=true&obj=%5B1%5D&name=a")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		read func(r *Reader)
		want string // "" for no error
	}{
		{"all good", func(r *Reader) { r.RequireInt64("n"); r.Bool("flag"); r.Require("name") }, ""},
		{"first of two bad", func(r *Reader) { r.Int64("bad"); r.JSONObject("obj") }, "bad must be an integer"},
		{"bad after good", func(r *Reader) { r.Require("name"); r.JSONObject("obj") }, "obj must be a JSON object"},
		{"missing", func(r *Reader) { r.Require("none"); r.Bool("bad") }, "none is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := p.Read()
			tt.read(r)
			switch {
			case tt.want == "" && r.Err() != nil:
				t.Errorf("err %v, want none", r.Err())
			case tt.want != "" && (r.Err() == nil || !strings.Contains(r.Err().Error(), tt.want)):
				t.Errorf("err %v, want one containing %q", r.Err(), tt.want)
			}
		})
	}
	r := p.Read()
	if r.Int64("bad"); r.Require("name") != "" || r.Limit("n", 20, 100) != 0 {
		t.Error("reads after an error return values, want zero values")
	}
}

package httpapi

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
)

// maxBodyBytes bounds REST request bodies (uploads have their own limit).
const maxBodyBytes = 1 << 20

// Params holds request parameters from the query string and the body, whatever
// encoding the client used: superagent form bodies (k, k[], bare keys for null),
// qs form bodies (k[][n], k[n]) and JSON bodies.
type Params struct {
	m map[string]*param
}

type param struct {
	vals []string        // one for a scalar, n for an array
	null bool            // a bare key without "=", or JSON null
	raw  json.RawMessage // the JSON value when the body was JSON
}

// indexed is one array element of a form body, ordered by its explicit index
// (k[n], k[][n]); elements without one (k[]) keep their order.
type indexed struct {
	idx int
	val string
}

// ParseParams reads the query string, then the body; body values win.
func ParseParams(r *http.Request) (Params, error) {
	p, err := ParseForm(r.URL.RawQuery)
	if err != nil {
		return Params{}, err
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		return p, nil // streamed by the endpoint that accepts it (upload)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return Params{}, apierr.BadRequest("cannot read request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return Params{}, apierr.BadRequest("request body too large (max %d bytes)", maxBodyBytes)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return p, nil
	}
	var b Params
	switch {
	case ct == "application/json" || strings.HasSuffix(ct, "+json") || (ct == "" && body[0] == '{'):
		b, err = parseJSONBody(body)
	default:
		b, err = ParseForm(string(body))
	}
	if err != nil {
		return Params{}, err
	}
	for k, v := range b.m {
		p.m[k] = v
	}
	return p, nil
}

// ParseForm parses an urlencoded string keeping the array forms k[], k[][n] and
// k[n] under k, and bare keys as null.
func ParseForm(s string) (Params, error) {
	p := Params{m: map[string]*param{}}
	arrays := map[string][]indexed{}
	seq := 0
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		rawKey, rawVal, hasEq := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return Params{}, apierr.BadRequest("malformed parameter name %q", rawKey)
		}
		val, err := url.QueryUnescape(rawVal)
		if err != nil {
			return Params{}, apierr.BadRequest("malformed value for %q", key)
		}
		if name, idx, ok := arrayKey(key); ok {
			if idx < 0 {
				idx = seq // k[] keeps arrival order
			}
			seq++
			if hasEq {
				arrays[name] = append(arrays[name], indexed{idx, val})
			} else if _, seen := arrays[name]; !seen {
				arrays[name] = nil
			}
			continue
		}
		if pv, ok := p.m[key]; ok && !pv.null {
			pv.vals = append(pv.vals, val)
			continue
		}
		p.m[key] = &param{vals: []string{val}, null: !hasEq}
	}
	for name, elems := range arrays {
		sort.SliceStable(elems, func(i, j int) bool { return elems[i].idx < elems[j].idx })
		pv := &param{vals: make([]string, 0, len(elems))}
		for _, e := range elems {
			pv.vals = append(pv.vals, e.val)
		}
		p.m[name] = pv
	}
	return p, nil
}

// arrayKey recognises k[], k[][n] and k[n]. idx is -1 when no index was given.
// Other bracket forms (nested objects, k[sub]) are not arrays.
func arrayKey(key string) (name string, idx int, ok bool) {
	i := strings.IndexByte(key, '[')
	if i <= 0 || !strings.HasSuffix(key, "]") {
		return "", 0, false
	}
	name, rest := key[:i], key[i:]
	if rest == "[]" {
		return name, -1, true
	}
	rest = strings.TrimPrefix(rest, "[]")
	if len(rest) < 3 || rest[0] != '[' {
		return "", 0, false
	}
	n, err := strconv.Atoi(rest[1 : len(rest)-1])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return name, n, true
}

func parseJSONBody(body []byte) (Params, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return Params{}, apierr.BadRequest("request body is not a JSON object: %v", err)
	}
	p := Params{m: make(map[string]*param, len(obj))}
	for k, raw := range obj {
		pv := &param{raw: raw}
		switch raw[0] {
		case 'n':
			pv.null = true
		case '[':
			var elems []json.RawMessage
			if err := json.Unmarshal(raw, &elems); err != nil {
				return Params{}, apierr.BadRequest("malformed array %q", k)
			}
			for _, e := range elems {
				if s, ok := jsonScalar(e); ok {
					pv.vals = append(pv.vals, s)
				}
			}
		default:
			s, _ := jsonScalar(raw)
			pv.vals = []string{s}
		}
		p.m[k] = pv
	}
	return p, nil
}

// jsonScalar renders a JSON value as the string a form body would carry: strings
// unquoted, numbers and booleans literally, objects as JSON text, null as absent.
func jsonScalar(raw json.RawMessage) (string, bool) {
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	case 'n':
		return "", false
	}
	return string(raw), true
}

// Has reports whether k was sent at all (even as null).
func (p Params) Has(k string) bool {
	_, ok := p.m[k]
	return ok
}

// String returns the first value of k, or "" when absent or null.
func (p Params) String(k string) string {
	if pv, ok := p.m[k]; ok && len(pv.vals) > 0 {
		return pv.vals[0]
	}
	return ""
}

// Strings returns every non-empty value of k: a scalar gives one, an array many.
func (p Params) Strings(k string) []string {
	pv, ok := p.m[k]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(pv.vals))
	for _, v := range pv.vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Int64 returns k as an integer; ok is false when it is absent, null or empty.
func (p Params) Int64(k string) (v int64, ok bool, err error) {
	s := strings.TrimSpace(p.String(k))
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseInt(s, 10, 64)
	if err != nil {
		// JSON numbers such as 12.0 or 1e3 are integers too.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, false, apierr.BadRequest("%s must be an integer, got %q", k, s)
		}
		v = int64(f)
	}
	return v, true, nil
}

// Bool returns k as a boolean; absent, null or empty is false.
func (p Params) Bool(k string) (bool, error) {
	switch s := strings.ToLower(strings.TrimSpace(p.String(k))); s {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, apierr.BadRequest("%s must be true or false, got %q", k, s)
	}
}

// JSON returns k as JSON text. JSON bodies carry objects directly; form bodies
// carry a JSON-encoded string. Absent, null and "" give nil.
func (p Params) JSON(k string) (json.RawMessage, error) {
	pv, ok := p.m[k]
	if !ok || pv.null {
		return nil, nil
	}
	if len(pv.raw) > 0 && pv.raw[0] != '"' {
		return pv.raw, nil
	}
	s := strings.TrimSpace(p.String(k))
	if s == "" {
		return nil, nil
	}
	if !json.Valid([]byte(s)) {
		return nil, apierr.BadRequest("%s must be valid JSON", k)
	}
	return json.RawMessage(s), nil
}

// JSONObject is JSON restricted to objects.
func (p Params) JSONObject(k string) (json.RawMessage, error) {
	v, err := p.JSON(k)
	if err != nil || v == nil {
		return v, err
	}
	if v[0] != '{' {
		return nil, apierr.BadRequest("%s must be a JSON object", k)
	}
	return v, nil
}

// requireString returns k or a 400 naming it.
func (p Params) RequireString(k string) (string, error) {
	if s := p.String(k); s != "" {
		return s, nil
	}
	return "", apierr.BadRequest("%s is required", k)
}

// requireInt64 returns k or a 400 naming it.
func (p Params) RequireInt64(k string) (int64, error) {
	v, ok, err := p.Int64(k)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, apierr.BadRequest("%s is required", k)
	}
	return v, nil
}

// limit reads a page size with a default and a maximum.
func (p Params) Limit(k string, def, max int) (int, error) {
	v, ok, err := p.Int64(k)
	switch {
	case err != nil:
		return 0, err
	case !ok || v <= 0:
		return def, nil
	case v > int64(max):
		return max, nil
	}
	return int(v), nil
}

// page reads a 1-based page number; absent or below 1 is page 1.
func (p Params) Page() (int, error) {
	v, ok, err := p.Int64("page")
	switch {
	case err != nil:
		return 0, err
	case !ok || v < 1:
		return 1, nil
	case v > 1<<20:
		return 0, apierr.BadRequest("page is too large")
	}
	return int(v), nil
}

// pageOf is page and limit (def when absent, at most max) of a paged list.
func (p Params) PageOf(def, max int) (page, limit int, err error) {
	if page, err = p.Page(); err != nil {
		return 0, 0, err
	}
	limit, err = p.Limit("limit", def, max)
	return page, limit, err
}

// set gives k the single value v (a path parameter).
func (p Params) Set(k, v string) { p.m[k] = &param{vals: []string{v}} }

package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/apierr"
	"github.com/qiscus-go/qiscus-sdk-core/example/devserver/internal/store"
)

// Call is one REST request being served.
type Call struct {
	Ctx  context.Context
	R    *http.Request
	P    Params
	User store.User // the caller, for endpoints with auth
	Now  time.Time
}

// Raw is written as the whole response body instead of {status, results}
// (sync_event has no results wrapper).
type Raw struct{ V any }

// Header reads a Qiscus header in either spelling, QISCUS-SDK-APP-ID or
// qiscus_sdk_app_id, in any case. Header.Get only finds the hyphenated one.
func Header(r *http.Request, name string) string {
	if v := r.Header.Get(name); v != "" {
		return v
	}
	for k, vs := range r.Header {
		if len(vs) > 0 && strings.EqualFold(strings.ReplaceAll(k, "_", "-"), name) {
			return vs[0]
		}
	}
	return ""
}

const defaultAllowHeaders = "Content-Type, QISCUS-SDK-APP-ID, QISCUS-SDK-USER-ID, QISCUS-SDK-TOKEN, " +
	"QISCUS-SDK-VERSION, QISCUS-SDK-PLATFORM, qiscus_sdk_app_id, qiscus_sdk_user_id, qiscus_sdk_token, qiscus_sdk_version"

// SetCORS lets pages on any origin call the API, with any custom header
// (setCustomHeader): the preflight's requested headers are echoed back.
func SetCORS(h http.Header, r *http.Request) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS")
	if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
	} else {
		h.Set("Access-Control-Allow-Headers", defaultAllowHeaders)
	}
	h.Set("Access-Control-Max-Age", "86400")
	h.Add("Vary", "Access-Control-Request-Headers")
}

// Strs returns the values of an array parameter sent as k, k[] (form or JSON
// key), k[n] or k[][n].
func Strs(p Params, k string) []string {
	out := p.Strings(k)
	if len(out) == 0 {
		out = p.Strings(k + "[]")
	}
	return out
}

// Dedupe removes repeated values, keeping the first occurrence.
func Dedupe(vs []string) []string {
	seen := map[string]bool{}
	out := vs[:0:0]
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// page reads a 1-based page number; absent gives 0.
func (p Params) RestPage(k string) (int, error) {
	v, ok, err := p.Int64(k)
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return 0, nil
	case v < 1 || v > 1_000_000:
		return 0, apierr.BadRequest("%s must be a positive integer, got %d", k, v)
	}
	return int(v), nil
}

// CheckURL requires an absolute http(s) URL.
func CheckURL(name, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apierr.BadRequest("%s must be an absolute http(s) URL, got %q", name, v)
	}
	return nil
}

// BaseURL is scheme://host as the client reached this server.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

// BoolDefault reads an optional boolean parameter.
func BoolDefault(p Params, k string, def bool) (bool, error) {
	if p.String(k) == "" {
		return def, nil
	}
	return p.Bool(k)
}

// WriteJSON writes v as the whole JSON body with status.
func WriteJSON(log *slog.Logger, w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		log.Error("encode response", "err", err)
		status, body = http.StatusInternalServerError, []byte(`{"status":500,"error":{"message":"internal server error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteError writes {"status": code, "error": {"message": ...}} with the same HTTP status.
func WriteError(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	status, msg := apierr.Response(err)
	if status == http.StatusInternalServerError {
		log.Error("request failed", "path", r.URL.Path, "err", err)
	} else {
		log.Debug("request refused", "path", r.URL.Path, "status", status, "err", err)
	}
	type errorJSON struct {
		Message string `json:"message"`
	}
	WriteJSON(log, w, status, struct {
		Status int       `json:"status"`
		Error  errorJSON `json:"error"`
	}{status, errorJSON{msg}})
}

// WriteResult answers a served endpoint: err as writeError does, a rawBody
// as it is, anything else as {"status": 200, "results": res}.
func WriteResult(log *slog.Logger, w http.ResponseWriter, r *http.Request, res any, err error) {
	switch raw, isRaw := res.(Raw); {
	case err != nil:
		WriteError(log, w, r, err)
	case isRaw:
		WriteJSON(log, w, http.StatusOK, raw.V)
	default:
		WriteJSON(log, w, http.StatusOK, struct {
			Status  int `json:"status"`
			Results any `json:"results"`
		}{http.StatusOK, res})
	}
}

// Table maps "METHOD name" to the endpoints of one API.
type Table[E any] map[string]E

// lookup finds the endpoint for method and name: a 405 when name is served
// with other methods only, a 404 when it is not served at all.
func (t Table[E]) Lookup(method, name string) (E, error) {
	if ep, ok := t[method+" "+name]; ok {
		return ep, nil
	}
	var none E
	for k := range t {
		if _, n, _ := strings.Cut(k, " "); n == name {
			return none, &apierr.APIError{Status: http.StatusMethodNotAllowed,
				Message: "method " + method + " not allowed for " + name, Kind: apierr.ErrBadRequest}
		}
	}
	return none, apierr.New(apierr.ErrNotFound, "unknown endpoint %q", name)
}

//go:build !js

package sdk

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// NetHTTPDoer is the native HTTPDoer.
type NetHTTPDoer struct {
	Client *http.Client
}

var defaultHTTPClient = &http.Client{Timeout: 30 * time.Second}

// Do implements HTTPDoer.
func (d NetHTTPDoer) Do(ctx context.Context, r *Request) (*Response, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = []string{v} // as given: underscore names must survive
	}
	hc := d.Client
	if hc == nil {
		hc = defaultHTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Body: b}, nil
}

func defaultHTTPDoer() HTTPDoer { return NetHTTPDoer{} }

//go:build !js

package sdk

import (
	"bytes"
	"context"
	"crypto/rand"
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

// defaultMaxInFlight bounds concurrent REST calls natively, where nothing
// else does.
const defaultMaxInFlight = 6

// secureRandom fills b from crypto/rand, which never fails since Go 1.24.
func secureRandom(b []byte) { _, _ = rand.Read(b) }

// postFile posts an upload body, reporting the bytes written.
func (c *Client) postFile(ctx context.Context, contentType string, body []byte, progress func(sent, total int64)) (int, []byte, error) {
	total := int64(len(body))
	req, err := http.NewRequestWithContext(ctx, "POST", c.uploadURL(),
		&progressReader{r: bytes.NewReader(body), total: total, fn: progress})
	if err != nil {
		return 0, nil, err
	}
	req.ContentLength = total
	for k, v := range c.headers() {
		req.Header[k] = []string{v}
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := defaultHTTPClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, nil
}

type progressReader struct {
	r     io.Reader
	sent  int64
	total int64
	fn    func(sent, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.sent += int64(n)
	if p.fn != nil && n > 0 {
		p.fn(p.sent, p.total)
	}
	return n, err
}

//go:build !js

package sdk

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
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

// Upload sends a file (multipart field "file") and returns its URL.
// progress, if set, sees the bytes written so far and the total.
func (c *Client) Upload(ctx context.Context, fileName string, data []byte, progress func(sent, total int64)) (string, error) {
	if err := c.requireLogin("Upload"); err != nil {
		return "", err
	}
	if fileName == "" {
		return "", argError("Upload", "file", "needs a name")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		return "", err
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	total := int64(buf.Len())
	body := &progressReader{r: &buf, total: total, fn: progress}
	req, err := http.NewRequestWithContext(ctx, "POST", c.uploadURL(), body)
	if err != nil {
		return "", err
	}
	req.ContentLength = total
	for k, v := range c.headers() {
		req.Header[k] = []string{v}
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := defaultHTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("qiscus: upload: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	url, err := uploadResult(resp.StatusCode, b)
	if err != nil {
		return "", err
	}
	_, _ = c.afterUpload(ctx, 0, url)
	return url, nil
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

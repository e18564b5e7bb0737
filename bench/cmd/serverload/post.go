package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// poster sends one user's post_comment requests. It builds each request
// from a reused buffer and reads only the status of the answer, so that the
// senders cost the machine little beyond the HTTP exchange itself.
type poster struct {
	api    *apiClient
	url    string
	header http.Header // shared by all requests of this user; never modified
	prefix []byte      // the form up to the per-post fields
	tempID string      // unique_temp_id prefix
	body   bytes.Buffer
	resp   bytes.Buffer
}

func (a *apiClient) poster(u *user, roomID int64) *poster {
	h := http.Header{
		"Content-Type":       {"application/x-www-form-urlencoded"},
		"Qiscus-Sdk-App-Id":  {"dev"},
		"Qiscus-Sdk-User-Id": {u.id},
		"Qiscus-Sdk-Token":   {u.token},
	}
	prefix := "type=text&topic_id=" + strconv.FormatInt(roomID, 10) + "&comment=load+test+message+"
	return &poster{api: a, url: a.base + "/api/v2/sdk/post_comment", header: h, prefix: []byte(prefix),
		tempID: "&unique_temp_id=" + url.QueryEscape(u.id) + "-"}
}

// post sends post number k and checks that the server stored it.
func (p *poster) post(ctx context.Context, k int) error {
	p.body.Reset()
	p.body.Write(p.prefix)
	b := p.body.AvailableBuffer()
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, p.tempID...)
	b = strconv.AppendInt(b, int64(k), 10)
	p.body.Write(b)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(p.body.Bytes()))
	if err != nil {
		return err
	}
	req.Header = p.header
	res, err := p.api.hc.Do(req)
	if err != nil {
		return err
	}
	p.resp.Reset()
	_, err = p.resp.ReadFrom(res.Body) // to EOF: the connection is reused
	res.Body.Close()
	if err != nil {
		return fmt.Errorf("post_comment: HTTP %d: %w", res.StatusCode, err)
	}
	var body struct {
		Status int `json:"status"`
	}
	if err := json.Unmarshal(p.resp.Bytes(), &body); err != nil {
		return fmt.Errorf("post_comment: HTTP %d: %w", res.StatusCode, err)
	}
	if res.StatusCode != http.StatusOK || body.Status != http.StatusOK {
		return fmt.Errorf("post_comment: HTTP %d status %d: %.200s", res.StatusCode, body.Status, p.resp.Bytes())
	}
	return nil
}

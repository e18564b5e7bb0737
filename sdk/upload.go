package sdk

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// UploadOptions are Upload's optional parts.
type UploadOptions struct {
	ContentType string // of the file; "" is application/octet-stream
	// RoomID > 0 also sends v2's "[file] url [/file]" text message there
	// (uploadFile).
	RoomID int64
	// Progress sees the request bytes sent so far and their total.
	Progress func(sent, total int64)
}

// Uploaded is a finished upload.
type Uploaded struct {
	URL     string
	Comment *Comment // the file message when UploadOptions.RoomID was set
}

// Upload sends a file (multipart field "file") to the upload endpoint and
// returns its URL. The same on every platform: the browser build posts
// with XMLHttpRequest, the only browser API that reports upload progress.
// A FileUploaded event follows. With a RoomID whose message fails, the
// result still holds the URL, with the error.
func (c *Client) Upload(ctx context.Context, name string, data io.Reader, o UploadOptions) (*Uploaded, error) {
	if err := c.requireLogin("Upload"); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, argError("Upload", "file", "needs a name")
	}
	body, ctype, err := multipartFile(name, o.ContentType, data)
	if err != nil {
		return nil, fmt.Errorf("qiscus: upload: read file: %w", err)
	}
	status, resp, err := c.postFile(ctx, ctype, body, o.Progress)
	if err != nil {
		return nil, fmt.Errorf("qiscus: upload: %w", err)
	}
	url, err := uploadResult(status, resp)
	if err != nil {
		return nil, err
	}
	cm, err := c.afterUpload(ctx, o.RoomID, url)
	return &Uploaded{URL: url, Comment: cm}, err
}

// multipartFile is a multipart/form-data body with one "file" part, built
// by hand: mime/multipart would grow the wasm build for one header.
func multipartFile(name, ctype string, data io.Reader) ([]byte, string, error) {
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	boundary := "qiscus" + strings.TrimPrefix(NewUniqueID(), "javascript-")
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")
	var b bytes.Buffer
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString(`Content-Disposition: form-data; name="file"; filename="` + esc.Replace(name) + "\"\r\n")
	b.WriteString("Content-Type: " + esc.Replace(ctype) + "\r\n\r\n")
	if _, err := b.ReadFrom(data); err != nil {
		return nil, "", err
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.Bytes(), "multipart/form-data; boundary=" + boundary, nil
}

// uploadURL is where files go: init's uploadURL or the uploadURL property
// (SetUploadURL), else the v2 upload endpoint. uploadFile uses it too (v2's
// ignored it there).
func (c *Client) uploadURL() string { return c.currentUploadURL() }

// uploadResult decodes an upload response to the file URL.
func uploadResult(status int, body []byte) (string, error) {
	var env envelope
	if err := jsonx.Unmarshal(body, &env); err != nil {
		return "", &APIError{Status: status, Message: "upload: response is not JSON", Path: "upload"}
	}
	if status < 200 || status > 299 || (env.Status != 0 && env.Status != 200) {
		msg := env.Message
		if env.Error != nil {
			msg = env.Error.Message
		}
		return "", &APIError{Status: status, Message: msg, Path: "upload"}
	}
	var r struct {
		File struct {
			URL string `json:"url"`
		} `json:"file"`
	}
	if err := jsonx.Unmarshal(env.Results, &r); err != nil || r.File.URL == "" {
		return "", &APIError{Status: status, Message: "upload: response has no results.file.url", Path: "upload"}
	}
	return r.File.URL, nil
}

// afterUpload is shared by both builds: the fileUploaded event (v2 emitted
// a misspelt event so the callback never fired) and, for uploadFile, the
// v2 "[file] url [/file]" text message.
func (c *Client) afterUpload(ctx context.Context, roomID int64, url string) (*Comment, error) {
	c.emit(FileUploaded{URL: url})
	if roomID <= 0 {
		return nil, nil
	}
	cm, err := c.SendComment(ctx, roomID, fmt.Sprintf("[file] %s [/file]", url), SendOptions{})
	return cm, err
}

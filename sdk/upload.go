package sdk

import (
	"context"
	"fmt"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// uploadURL is where files go: the v2 upload endpoint.
func (c *Client) uploadURL() string { return c.cfg.BaseURL + "/api/v2/sdk/upload" }

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
	cm, err := c.SendComment(ctx, roomID, fmt.Sprintf("[file] %s [/file]", url), "", "text", nil, nil)
	return cm, err
}

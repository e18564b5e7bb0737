package v2compat

import (
	"context"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Sender uploads the call's file (which the bridge holds: a File is no
// JSON) and, for roomID > 0, sends the file message.
type Sender func(ctx context.Context, roomID int64) (url string, cm *sdk.Comment, err error)

// Upload is upload(file, callback) and uploadFile(roomId, file, callback).
// done, if set, is v2's callback(null, null, url) on success; upload
// resolves with the URL, uploadFile with the message in its v2 shape.
func Upload(ctx context.Context, a Args, send Sender, done func(url string)) ([]byte, error) {
	var room int64
	if a.Method == "uploadFile" {
		var err error
		if room, err = a.id(0, "roomId", true); err != nil {
			return nil, err
		}
	}
	url, cm, err := send(ctx, room)
	if err != nil {
		return nil, err
	}
	if done != nil {
		done(url)
	}
	if room > 0 && cm != nil {
		return CommentJSON(cm), nil
	}
	return AppendJSON(nil, url), nil
}

// FileArgError is the error for a file argument that is not a File or Blob.
func FileArgError(a Args) error { return a.bad("file", "must be a File or Blob") }

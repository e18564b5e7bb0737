package v2compat

import (
	"errors"
	"strings"
	"testing"

	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

func TestArgsValidation(t *testing.T) {
	mk := func(raw ...string) Args {
		a := Args{Method: "sendComment"}
		for _, r := range raw {
			a.Raw = append(a.Raw, sdk.RawMessage(r))
		}
		return a
	}
	tests := []struct {
		name    string
		a       Args
		call    func(Args) (any, error)
		want    any
		wantErr string
	}{
		{"id from number", mk(`12`), func(a Args) (any, error) { return a.id(0, "roomId", true) }, int64(12), ""},
		{"id from string", mk(`"12"`), func(a Args) (any, error) { return a.id(0, "roomId", true) }, int64(12), ""},
		{"id missing", mk(), func(a Args) (any, error) { return a.id(0, "roomId", true) }, nil, "sendComment: roomId is required"},
		{"id null", mk(`null`), func(a Args) (any, error) { return a.id(0, "roomId", true) }, nil, "roomId is required"},
		{"id junk", mk(`"abc"`), func(a Args) (any, error) { return a.id(0, "roomId", true) }, nil, "roomId must be a positive id"},
		{"id object", mk(`{}`), func(a Args) (any, error) { return a.id(0, "roomId", true) }, nil, "roomId must be a positive id"},
		{"str ok", mk(`"bob"`), func(a Args) (any, error) { return a.str(0, "userId", true) }, "bob", ""},
		{"str number ok", mk(`42`), func(a Args) (any, error) { return a.str(0, "userId", true) }, "42", ""},
		{"str object", mk(`{"a":1}`), func(a Args) (any, error) { return a.str(0, "userId", true) }, nil, "userId must be a string"},
		{"str blank", mk(`"  "`), func(a Args) (any, error) { return a.str(0, "userId", true) }, nil, "userId is required"},
		{"payload string", mk(`"{\"a\":1}"`), func(a Args) (any, error) {
			p, err := a.payload(0, "payload")
			return string(p), err
		}, `{"a":1}`, ""},
		{"payload bad string", mk(`"{nope"`), func(a Args) (any, error) { return a.payload(0, "payload") }, nil, "payload must be an object"},
		{"object array", mk(`[1]`), func(a Args) (any, error) { return a.object(0, "extras") }, nil, "extras must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call(tt.a)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, sdk.ErrInvalidArgument) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v (%T), %v; want %v", got, got, err, tt.want)
			}
		})
	}
}

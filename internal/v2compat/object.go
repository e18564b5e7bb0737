package v2compat

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// object writes a JSON object member by member, in order. The v2 shapes
// are a server object plus a fixed list of keys; writing them directly
// skips the boxing and per-string marshalling a map or ...any list costs
// on every comment. Keys must be plain ASCII (they are all literals).
type object struct{ b []byte }

// newObject starts an empty object with room for size bytes.
func newObject(size int) object {
	return object{b: append(make([]byte, 0, size), '{')}
}

// extendRaw starts a copy of the server object raw, open for more members,
// with room for extra more bytes; false for an empty or missing object.
func extendRaw(raw sdk.RawMessage, extra int) (object, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0 {
		return object{}, false
	}
	b := append(make([]byte, 0, len(raw)+extra), raw[:len(raw)-1]...)
	return object{b: append(b, ',')}, true
}

func (o *object) key(k string) {
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.b = appendString(o.b, v)
	o.b = append(o.b, ',')
}

func (o *object) int(k string, v int64) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, v, 10)
	o.b = append(o.b, ',')
}

func (o *object) bool(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
	o.b = append(o.b, ',')
}

// raw writes v as it is; empty is null.
func (o *object) raw(k string, v sdk.RawMessage) {
	o.key(k)
	if len(v) == 0 {
		v = sdk.RawMessage("null")
	}
	o.b = append(o.b, v...)
	o.b = append(o.b, ',')
}

// close ends the object (over the last member's comma).
func (o *object) close() sdk.RawMessage {
	if o.b[len(o.b)-1] == ',' {
		o.b[len(o.b)-1] = '}'
	} else {
		o.b = append(o.b, '}')
	}
	return o.b
}

// appendString appends s as a JSON string. Strings that need no escaping
// (the usual ids, names and text) are copied; any other goes through
// jsonx.Marshal, so the bytes are always exactly what it writes (HTML
// characters, U+2028/9 and invalid UTF-8 included).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendMarshalled(b, s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return appendMarshalled(b, s)
		}
		i += n
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	enc, _ := jsonx.Marshal(s)
	return append(b, enc...)
}

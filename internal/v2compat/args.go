package v2compat

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
	"github.com/qiscus-go/qiscus-sdk-core/sdk"
)

// Args is one call's arguments, each as JSON (the shim JSON.stringifies
// them; functions and Files travel apart). Its helpers apply v2's loose
// conventions (ids as numbers or strings, optional trailing arguments) and
// their errors name the method and the argument.
type Args struct {
	// Method is the v2 name, for errors.
	Method string
	Raw    []sdk.RawMessage
}

func (a Args) present(i int) bool {
	return i < len(a.Raw) && len(a.Raw[i]) > 0 && string(a.Raw[i]) != "null"
}

func (a Args) bad(name, problem string) error {
	return fmt.Errorf("%w: %s: %s %s", sdk.ErrInvalidArgument, a.Method, name, problem)
}

func (a Args) str(i int, name string, required bool) (string, error) {
	if !a.present(i) {
		if required {
			return "", a.bad(name, "is required")
		}
		return "", nil
	}
	var s string
	if err := jsonx.Unmarshal(a.Raw[i], &s); err != nil {
		var n jsonx.RawMessage
		if jsonx.Unmarshal(a.Raw[i], &n) == nil && len(n) > 0 && (n[0] == '-' || (n[0] >= '0' && n[0] <= '9')) {
			return string(n), nil // ids given as numbers are fine
		}
		return "", a.bad(name, "must be a string")
	}
	if required && strings.TrimSpace(s) == "" {
		return "", a.bad(name, "is required")
	}
	return s, nil
}

// id accepts a number or a numeric string, as v2 apps pass both.
func (a Args) id(i int, name string, required bool) (int64, error) {
	if !a.present(i) {
		if required {
			return 0, a.bad(name, "is required")
		}
		return 0, nil
	}
	s := strings.Trim(string(bytes.TrimSpace(a.Raw[i])), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, a.bad(name, "must be a positive id")
	}
	return n, nil
}

func (a Args) object(i int, name string) (sdk.RawMessage, error) {
	if !a.present(i) {
		return nil, nil
	}
	if a.Raw[i][0] != '{' {
		return nil, a.bad(name, "must be an object")
	}
	return a.Raw[i], nil
}

// payload is v2's sendComment payload: an object, or a JSON string of one.
func (a Args) payload(i int, name string) (sdk.RawMessage, error) {
	if !a.present(i) {
		return nil, nil
	}
	if a.Raw[i][0] == '"' {
		var s string
		_ = jsonx.Unmarshal(a.Raw[i], &s)
		if s == "" {
			return nil, nil
		}
		if !jsonx.Valid([]byte(s)) {
			return nil, a.bad(name, "must be an object or a JSON string")
		}
		return sdk.RawMessage(s), nil
	}
	return a.Raw[i], nil
}

// decode unmarshals an object argument into v.
func (a Args) decode(i int, name string, v any, required bool) error {
	if !a.present(i) {
		if required {
			return a.bad(name, "is required")
		}
		return nil
	}
	if a.Raw[i][0] != '{' {
		return a.bad(name, "must be an object")
	}
	if err := jsonx.Unmarshal(a.Raw[i], v); err != nil {
		return a.bad(name, "has a field of the wrong type: "+err.Error())
	}
	return nil
}

// strs is an array of ids; numbers are accepted and stringified.
func (a Args) strs(i int, name string, required bool) ([]string, error) {
	if !a.present(i) {
		if required {
			return nil, a.bad(name, "must be an array")
		}
		return nil, nil
	}
	var raw []sdk.RawMessage
	if a.Raw[i][0] != '[' || jsonx.Unmarshal(a.Raw[i], &raw) != nil {
		return nil, a.bad(name, "must be an array")
	}
	out := make([]string, 0, len(raw))
	for k := range raw {
		s, err := Args{Method: a.Method, Raw: raw}.str(k, fmt.Sprintf("%s[%d]", name, k), true)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// int is an optional number (page, limit); 0 when absent or not a number.
func (a Args) int(i int) int {
	if !a.present(i) {
		return 0
	}
	n, _ := strconv.Atoi(strings.Trim(string(a.Raw[i]), `"`))
	return n
}

func (a Args) boolDefault(i int, def bool) bool {
	if !a.present(i) {
		return def
	}
	return a.boolish(i)
}

func (a Args) boolish(i int) bool {
	if !a.present(i) {
		return false
	}
	switch strings.Trim(string(a.Raw[i]), `"`) {
	case "1", "true":
		return true
	}
	return false
}

// ParseArgs decodes the shim's JSON argument array.
func ParseArgs(method, argsJSON string) (Args, error) {
	var raw []sdk.RawMessage
	if err := jsonx.Unmarshal([]byte(argsJSON), &raw); err != nil {
		return Args{}, fmt.Errorf("%w: %s: arguments are not serialisable: %v", sdk.ErrInvalidArgument, method, err)
	}
	return Args{Method: method, Raw: raw}, nil
}

// field validates a value taken from inside an object argument (room.id,
// comment.room_id …) with the same rules as a positional one.
func (a Args) field(v sdk.RawMessage) Args { return Args{Method: a.Method, Raw: []sdk.RawMessage{v}} }

// reader reads several arguments and keeps the first error: the later
// reads return zero values, so a handler checks once, at the end.
type reader struct {
	Args
	err error
}

func (a Args) read() *reader { return &reader{Args: a} }

// keep runs f unless an earlier read failed, and records its error.
func keep[T any](r *reader, f func() (T, error)) T {
	var v T
	if r.err == nil {
		v, r.err = f()
	}
	return v
}

func (r *reader) str(i int, name string, required bool) string {
	return keep(r, func() (string, error) { return r.Args.str(i, name, required) })
}

func (r *reader) id(i int, name string, required bool) int64 {
	return keep(r, func() (int64, error) { return r.Args.id(i, name, required) })
}

func (r *reader) object(i int, name string) sdk.RawMessage {
	return keep(r, func() (sdk.RawMessage, error) { return r.Args.object(i, name) })
}

func (r *reader) payload(i int, name string) sdk.RawMessage {
	return keep(r, func() (sdk.RawMessage, error) { return r.Args.payload(i, name) })
}

func (r *reader) strs(i int, name string, required bool) []string {
	return keep(r, func() ([]string, error) { return r.Args.strs(i, name, required) })
}

package sdk

import (
	"errors"
	"strconv"

	"github.com/qiscus-go/qiscus-sdk-core/internal/jsonx"
)

// The realtime path decodes only the few fields the core needs and keeps
// the raw bytes for the app. A reflection-based decoder costs tens of µs
// per message in wasm; this scanner walks the object once, validating it
// as it goes, because the raw bytes are later spliced into a batch that
// the page hands to JSON.parse: one invalid message must not spoil a batch.

var errBadJSON = errors.New("qiscus: invalid JSON")

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// str scans a string and returns its raw bytes between the quotes and
// whether it contained escapes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	if s.peek() != '"' {
		return nil, false, errBadJSON
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw = s.b[start:s.i]
			s.i++
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if s.i+1 >= len(s.b) {
				return nil, false, errBadJSON
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return nil, false, errBadJSON
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !isHex(h) {
						return nil, false, errBadJSON
					}
				}
				s.i += 6
			default:
				return nil, false, errBadJSON
			}
		case c < 0x20:
			return nil, false, errBadJSON
		default:
			s.i++
		}
	}
	return nil, false, errBadJSON
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// num scans a JSON number: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
func (s *scanner) num() ([]byte, error) {
	start := s.i
	if s.peek() == '-' {
		s.i++
	}
	switch {
	case s.peek() == '0':
		s.i++
	case isDigit(s.peek()):
		for isDigit(s.peek()) {
			s.i++
		}
	default:
		return nil, errBadJSON
	}
	if s.peek() == '.' {
		s.i++
		if !isDigit(s.peek()) {
			return nil, errBadJSON
		}
		for isDigit(s.peek()) {
			s.i++
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !isDigit(s.peek()) {
			return nil, errBadJSON
		}
		for isDigit(s.peek()) {
			s.i++
		}
	}
	return s.b[start:s.i], nil
}

func (s *scanner) lit(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return errBadJSON
	}
	s.i += len(word)
	return nil
}

// skip scans any value. depth bounds nesting so hostile input cannot
// exhaust the stack.
func (s *scanner) skip(depth int) error {
	if depth > 64 {
		return errBadJSON
	}
	s.ws()
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.ws()
		if s.peek() == end {
			s.i++
			return nil
		}
		for {
			if c == '{' {
				s.ws()
				if _, _, err := s.str(); err != nil {
					return err
				}
				s.ws()
				if s.peek() != ':' {
					return errBadJSON
				}
				s.i++
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.i++
			case end:
				s.i++
				return nil
			default:
				return errBadJSON
			}
		}
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || isDigit(c):
		_, err := s.num()
		return err
	}
	return errBadJSON
}

// errDuplicateField: a comment field the core reads appears twice. The page
// JSON.parses the raw bytes and keeps the last occurrence, so the core would
// otherwise gate (dedupe, order) by a different id than the page shows.
var errDuplicateField = errors.New("qiscus: malformed comment: duplicate field")

// fieldBit is the bit of a key setField reads in a seen mask, or 0.
func fieldBit(key []byte) uint16 {
	switch string(key) { // no allocation: the compiler switches on the bytes
	case "id":
		return 1 << 0
	case "comment_before_id":
		return 1 << 1
	case "room_id":
		return 1 << 2
	case "unix_timestamp":
		return 1 << 3
	case "unique_temp_id":
		return 1 << 4
	case "email":
		return 1 << 5
	case "username":
		return 1 << 6
	case "message":
		return 1 << 7
	case "type":
		return 1 << 8
	case "timestamp":
		return 1 << 9
	case "status":
		return 1 << 10
	case "payload":
		return 1 << 11
	case "extras":
		return 1 << 12
	}
	return 0
}

// scanComment fills the fields the core needs from a comment object and
// validates the whole object. Keys are compared after unescaping, as
// JSON.parse does; an object where a field the core reads appears twice is
// rejected (see errDuplicateField). Duplicates elsewhere (unknown keys,
// nested objects) are left alone: the core never reads them.
func scanComment(b []byte) (*Comment, error) {
	s := scanner{b: b}
	s.ws()
	if s.peek() != '{' {
		return nil, errMalformedComment
	}
	s.i++
	c := &Comment{}
	var seen uint16
	s.ws()
	if s.peek() == '}' {
		return nil, errMalformedComment
	}
	for {
		s.ws()
		keyStart := s.i
		key, kesc, err := s.str()
		if err != nil {
			return nil, err
		}
		quotedKey := b[keyStart:s.i]
		s.ws()
		if s.peek() != ':' {
			return nil, errBadJSON
		}
		s.i++
		s.ws()
		start := s.i
		if err := s.skip(0); err != nil {
			return nil, err
		}
		val := b[start:s.i]
		if kesc { // rare: unescape, so that "\u0069d" is "id" as for JSON.parse
			var name string
			if err := jsonx.Unmarshal(quotedKey, &name); err != nil {
				return nil, errBadJSON
			}
			key = []byte(name)
		}
		if bit := fieldBit(key); bit != 0 {
			if seen&bit != 0 {
				return nil, errDuplicateField
			}
			seen |= bit
			if err := c.setField(key, val); err != nil {
				return nil, err
			}
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
			continue
		case '}':
			s.i++
			s.ws()
			if s.i != len(b) {
				return nil, errBadJSON
			}
			return c, nil
		default:
			return nil, errBadJSON
		}
	}
}

func (c *Comment) setField(key []byte, val []byte) error {
	switch string(key) {
	case "id":
		return setInt(&c.ID, val)
	case "comment_before_id":
		return setInt(&c.BeforeID, val)
	case "room_id":
		return setInt(&c.RoomID, val)
	case "unix_timestamp":
		return setInt(&c.UnixTime, val)
	case "unique_temp_id":
		return setStr(&c.UniqueTempID, val)
	case "email":
		return setStr(&c.Email, val)
	case "username":
		return setStr(&c.Username, val)
	case "message":
		return setStr(&c.Message, val)
	case "type":
		return setStr(&c.Type, val)
	case "timestamp":
		return setStr(&c.Timestamp, val)
	case "status":
		return setStr(&c.Status, val)
	case "payload":
		c.Payload = val
	case "extras":
		c.Extras = val
	}
	return nil
}

// setInt accepts a number or a numeric string (servers send both).
func setInt(dst *int64, val []byte) error {
	if len(val) > 1 && val[0] == '"' {
		val = val[1 : len(val)-1]
	}
	if string(val) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(val), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(val), 64)
		if ferr != nil {
			return errMalformedComment
		}
		n = int64(f)
	}
	*dst = n
	return nil
}

func setStr(dst *string, val []byte) error {
	if string(val) == "null" {
		return nil
	}
	if len(val) < 2 || val[0] != '"' {
		return nil // a non-string where a string belongs: ignore the field
	}
	inner := val[1 : len(val)-1]
	for _, ch := range inner {
		if ch == '\\' {
			return jsonx.Unmarshal(val, dst)
		}
	}
	*dst = string(inner)
	return nil
}

package jsonx

import "encoding/json"

// RawMessage is encoding/json's RawMessage; both implementations honour it.
type RawMessage = json.RawMessage

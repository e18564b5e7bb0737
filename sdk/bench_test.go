package sdk

import (
	"fmt"
	"testing"
)

// sampleComment is a realistic ~300-byte server comment (reference E.1).
func sampleComment(id int64) []byte {
	return []byte(fmt.Sprintf(`{"id":%d,"id_str":"%d","comment_before_id":%d,"comment_before_id_str":"%d","message":"Hello there, this is message number %d","type":"text","payload":{},"extras":{},"email":"alice","username":"Alice","user_id":1,"user_avatar_url":"https://example.com/a.png","room_id":7,"room_id_str":"7","topic_id":7,"room_name":"Bob","unique_temp_id":"javascript-abcdefghijklmnopqrstu%d","timestamp":"2026-11-22T04:00:00Z","unix_timestamp":1795320000,"unix_nano_timestamp":1795320000000000000,"status":"sent"}`,
		id, id, id-1, id-1, id, id))
}

func BenchmarkParseComment(b *testing.B) {
	raw := sampleComment(42)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := parseComment(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRouteComment is the whole per-message path after MQTT decode:
// parse, gate, cursor, event.
func BenchmarkRouteComment(b *testing.B) {
	c := NewClient()
	c.cfg = Config{AppID: "dev", OnEvent: func(Event) {}}.withDefaults()
	c.inited = true
	c.user = &User{Email: "bob", Token: "tok"}
	msgs := make([][]byte, 1000)
	for i := range msgs {
		msgs[i] = sampleComment(int64(i + 1))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.route("tok/c", msgs[i%len(msgs)])
	}
}

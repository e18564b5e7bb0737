package sdk

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/eclipse/paho.golang/packets"
)

// recordConn records each Write as one "frame", as websocket.NetConn does.
type recordConn struct {
	net.Conn
	mu     sync.Mutex
	frames [][]byte
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.frames = append(r.frames, append([]byte(nil), p...))
	r.mu.Unlock()
	return len(p), nil
}

func TestFrameConnOnePacketPerFrame(t *testing.T) {
	tests := []struct {
		name string
		wrap func(net.Conn) net.Conn
		ok   bool
	}{
		{"raw conn splits packets", func(c net.Conn) net.Conn { return c }, false},
		{"frameConn", func(c net.Conn) net.Conn { return newFrameConn(c) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordConn{}
			conn := tt.wrap(rec)
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ { // publishers and a "pinger" racing
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 50; i++ {
						var cp *packets.ControlPacket
						if g == 0 {
							cp = packets.NewControlPacket(packets.PINGREQ)
						} else {
							cp = packets.NewControlPacket(packets.PUBLISH)
							cp.Content.(*packets.Publish).Topic = "r/1/1/alice/t"
							cp.Content.(*packets.Publish).Payload = bytes.Repeat([]byte{'x'}, g*10)
						}
						if _, err := cp.WriteTo(conn); err != nil {
							t.Error(err)
						}
					}
				}(g)
			}
			wg.Wait()
			whole := 0
			for _, f := range rec.frames {
				r := bytes.NewReader(f)
				if _, err := packets.ReadPacket(r); err == nil && r.Len() == 0 {
					whole++
				}
			}
			allWhole := whole == len(rec.frames) && whole == 400
			if allWhole != tt.ok {
				t.Fatalf("%d of %d frames are exactly one packet (400 packets sent); want all=%v", whole, len(rec.frames), tt.ok)
			}
		})
	}
}

// TestFrameConnRefusesOversizePacket: paho reserves a packet's announced
// length before reading it, so a five-byte header claiming 256 MB would
// allocate 256 MB whatever the transport's message limit. frameConn must
// refuse the header.
func TestFrameConnRefusesOversizePacket(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		ok     bool
	}{
		{"PINGRESP", []byte{0xd0, 0x00}, true},
		{"PUBLISH at the limit", publishOfSize(t, maxPacketSize), true},
		{"PUBLISH one byte over", publishOfSize(t, maxPacketSize+1), false},
		{"header claims 256 MB", []byte{0x30, 0xff, 0xff, 0xff, 0x7f}, false},
		{"two packets, second too big", append([]byte{0xd0, 0x00}, 0x30, 0xff, 0xff, 0xff, 0x7f), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := net.Pipe()
			go func() { _, _ = b.Write(tt.stream); b.Close() }()
			fc := newFrameConn(a)
			var err error
			for err == nil {
				_, err = packets.ReadPacket(fc)
			}
			if tt.ok && err != io.EOF {
				t.Fatalf("err %v, want the stream read to its end", err)
			}
			if !tt.ok && !errors.Is(err, ErrPacketTooLarge) {
				t.Fatalf("err %v, want %v", err, ErrPacketTooLarge)
			}
		})
	}
}

// publishOfSize is a PUBLISH packet of exactly n bytes in all.
func publishOfSize(t *testing.T, n int) []byte {
	t.Helper()
	cp := packets.NewControlPacket(packets.PUBLISH)
	p := cp.Content.(*packets.Publish)
	p.Topic = "tok/c"
	var buf bytes.Buffer
	if _, err := cp.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	// Grow the payload until the whole packet is n bytes (the length prefix
	// grows with it).
	p.Payload = make([]byte, n-buf.Len())
	for {
		buf.Reset()
		if _, err := cp.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if buf.Len() == n {
			return buf.Bytes()
		}
		p.Payload = p.Payload[:len(p.Payload)-(buf.Len()-n)]
	}
}

package sdk

import (
	"bytes"
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

package mqttc

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxMQTTPacket is the largest packet the remaining-length encoding allows
// (four 7-bit bytes, plus the type byte and the four length bytes).
const maxMQTTPacket = 1 + 4 + 268_435_455

const (
	readSize  = 32 << 10 // one read takes a whole browser batch of small frames
	keepLimit = 64 << 10 // a buffer grown past this for a big packet is let go
)

// reader splits a byte stream into MQTT packets. The buffer is reused from
// packet to packet, so a packet's body is valid until the next call to next.
type reader struct {
	r          io.Reader
	limit      int    // whole packet, fixed header included
	buf        []byte // buf[start:end] is read and not yet consumed
	start, end int
}

func newReader(r io.Reader, limit int) *reader {
	if limit <= 0 || limit > maxMQTTPacket {
		limit = maxMQTTPacket
	}
	return &reader{r: r, limit: limit, buf: make([]byte, readSize)}
}

// next returns the next packet's first byte (type and flags) and its body.
// The size is checked from the header alone: a packet over the limit is
// refused before any of its body is read.
func (rd *reader) next() (byte, []byte, error) {
	if err := rd.fill(2); err != nil {
		return 0, nil, err
	}
	length, n := 0, 0
	for {
		if n == 4 {
			return 0, nil, fmt.Errorf("%w: remaining length longer than 4 bytes", ErrPacketTooLarge)
		}
		if err := rd.fill(2 + n); err != nil {
			return 0, nil, err
		}
		c := rd.buf[rd.start+1+n]
		length |= int(c&0x7f) << (7 * n)
		n++
		if c&0x80 == 0 {
			break
		}
	}
	size := 1 + n + length
	if size > rd.limit {
		return 0, nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrPacketTooLarge, size, rd.limit)
	}
	if err := rd.fill(size); err != nil {
		return 0, nil, err
	}
	hdr := rd.buf[rd.start]
	body := rd.buf[rd.start+1+n : rd.start+size : rd.start+size]
	rd.start += size
	return hdr, body, nil
}

// fill makes at least k unconsumed bytes available, moving them to the
// front or into a larger buffer when they do not fit.
func (rd *reader) fill(k int) error {
	for rd.end-rd.start < k {
		if rd.start+k > len(rd.buf) {
			have := rd.end - rd.start
			dst := rd.buf
			if k > len(rd.buf) {
				dst = make([]byte, max(k, 2*len(rd.buf)))
			} else if len(rd.buf) > keepLimit && have <= readSize && k <= readSize {
				dst = make([]byte, readSize) // back to small after a big packet
			}
			copy(dst, rd.buf[rd.start:rd.end])
			rd.buf, rd.start, rd.end = dst, 0, have
		}
		m, err := rd.r.Read(rd.buf[rd.end:])
		rd.end += m
		if err != nil && rd.end-rd.start < k {
			if errors.Is(err, io.EOF) && rd.end > rd.start {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// publish is an inbound PUBLISH decoded in place.
type publish struct {
	topic   []byte // aliases the read buffer
	payload []byte // aliases the read buffer
	id      uint16 // QoS 1 and 2 only
	qos     byte
	retain  bool
}

// parsePublish decodes a PUBLISH body (MQTT 5 §3.3). Properties are
// skipped: a topic alias cannot arrive (CONNECT allows none), and nothing
// else in them changes how a message is handled.
func parsePublish(flags byte, body []byte) (publish, error) {
	p := publish{qos: flags >> 1 & 3, retain: flags&1 != 0}
	if p.qos == 3 {
		return p, fmt.Errorf("%w: PUBLISH with QoS 3", ErrMalformed)
	}
	if len(body) < 2 {
		return p, fmt.Errorf("%w: PUBLISH without a topic", ErrMalformed)
	}
	tl := int(body[0])<<8 | int(body[1])
	body = body[2:]
	if tl == 0 || tl > len(body) {
		return p, fmt.Errorf("%w: PUBLISH topic length %d of %d bytes", ErrMalformed, tl, len(body))
	}
	topic := body[:tl]
	body = body[tl:]
	if !utf8.Valid(topic) {
		return p, fmt.Errorf("%w: PUBLISH topic is not UTF-8", ErrMalformed)
	}
	if p.qos > 0 {
		if len(body) < 2 {
			return p, fmt.Errorf("%w: PUBLISH without a packet id", ErrMalformed)
		}
		p.id = uint16(body[0])<<8 | uint16(body[1])
		body = body[2:]
	}
	pl, n, err := uvarint(body)
	if err != nil || pl > len(body)-n {
		return p, fmt.Errorf("%w: PUBLISH properties length", ErrMalformed)
	}
	p.topic = topic
	p.payload = body[n+pl:]
	return p, nil
}

// uvarint decodes an MQTT variable byte integer, returning it and its size.
func uvarint(b []byte) (int, int, error) {
	v := 0
	for i := 0; i < 4 && i < len(b); i++ {
		v |= int(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, ErrMalformed
}

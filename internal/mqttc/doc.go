// Package mqttc is the small MQTT 5 client the sdk's realtime connection
// runs on: CONNECT (credentials, clean start, a will, keepalive, Maximum
// Packet Size), SUBSCRIBE and UNSUBSCRIBE at QoS 0, PUBLISH at QoS 0,
// PINGREQ keepalive with a dead-link timeout, and DISCONNECT, over any
// net.Conn (a WebSocket, natively or in the browser, or TCP).
//
// It is built on paho.golang's packets codec, the lowest layer of the
// packets → paho → autopaho stack, and replaces the paho client for three
// reasons measured in the browser build: paho hands every inbound packet to
// another goroutine (a wake-up per packet in js/wasm, where goroutines take
// turns on one thread); packets.ReadPacket copies each packet through a
// fresh bytes.Buffer and io.ReadAll; and paho's session state, router and
// pinger are code the sdk does not use (QoS 0 only, clean start, its own
// reconnect loop).
//
// Inbound packets are framed from one reused buffer and a PUBLISH is decoded
// in place, synchronously on the read loop: Config.OnMessage gets the topic
// and a payload that aliases the buffer and is valid only during the call.
// A packet announcing more than Config.MaxPacketSize fails the connection
// (ErrPacketTooLarge) before any of it is buffered; a malformed packet whose
// framing is intact is dropped (Config.OnDrop) and the loop goes on.
//
// Every outbound packet is encoded into one buffer and written with one
// Write, so over a message-oriented transport it is one WebSocket message
// and concurrent writers (publishers, the pinger) never interleave.
package mqttc

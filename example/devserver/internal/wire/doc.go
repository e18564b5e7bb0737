// Package wire holds the JSON shapes of the v2 API that more than one layer
// renders: comments, rooms, users and sync events as the SDK API returns them
// and the broker publishes them, plus the v2 naming rules (a room's name as
// nobody in particular sees it, valid user ids) that the server API, the
// webhooks and the exports share. It renders store records and knows nothing
// of HTTP or MQTT.
package wire

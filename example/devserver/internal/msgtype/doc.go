// Package msgtype validates a comment by its message type (text, buttons,
// card, carousel, location, reply, custom, app-defined names, …) and
// returns the text and payload to store. The SDK API's post_comment, the
// server API's post_comment and imports all go through Normalize, so a
// message looks the same whichever way it came in.
package msgtype

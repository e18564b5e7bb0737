//go:build js && wasm

package main

import "github.com/qiscus-go/qiscus-sdk-core/internal/v2compat"

var realtimeMethods = []method{
	{"publishTyping", v2(v2compat.PublishTyping), false},
	{"publishEvent", v2(v2compat.PublishEvent), false},
	{"subscribeEvent", v2(v2compat.SubscribeEvent), false},
	{"unsubscribeEvent", v2(v2compat.UnsubscribeEvent), false},
	{"subscribeUserPresence", v2(v2compat.SubscribeUserPresence), false},
	{"unsubscribeUserPresence", v2(v2compat.UnsubscribeUserPresence), false},
	{"publishOnlinePresence", v2(v2compat.PublishOnlinePresence), false},
	{"synchronize", v2(v2compat.Synchronize), false},
	{"synchronizeEvent", v2(v2compat.SynchronizeEvent), false},
}

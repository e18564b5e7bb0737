module github.com/qiscus-go/qiscus-sdk-core

go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/eclipse/paho.golang v0.23.0
	github.com/goccy/go-json v0.12.0
)

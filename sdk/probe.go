package sdk

import "github.com/qiscus-go/qiscus-sdk-core/internal/probe"

func init() {
	probe.HeldCount = func(client any) int { return client.(*Client).heldCount() }
}

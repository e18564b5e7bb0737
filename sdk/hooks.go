package sdk

import (
	"context"
	"sync"
)

// Hooks are v2's interceptors and the text formatter. Each may be nil.
// A hook that fails leaves the message as it was and is logged: an app bug
// in a hook must not lose messages.
type Hooks struct {
	// BeforeSend sees a copy of the pending comment before it is posted;
	// the Message, Type, Payload and Extras of the comment it returns are
	// sent instead.
	BeforeSend func(ctx context.Context, comment *Comment) (*Comment, error)
	// BeforeReceive sees every incoming server comment (realtime, sync,
	// load_comments, room fetches and send responses).
	BeforeReceive func(ctx context.Context, comment RawMessage) (RawMessage, error)
	// FormatText replaces the text at the start of sendComment
	// (v2's commentFormaterCallback).
	FormatText func(ctx context.Context, text string) (string, error)
}

type hookSet struct {
	mu sync.RWMutex
	h  Hooks
}

// SetHooks replaces the hooks.
func (c *Client) SetHooks(h Hooks) {
	c.hooks.mu.Lock()
	c.hooks.h = h
	c.hooks.mu.Unlock()
}

func (c *Client) currentHooks() Hooks {
	c.hooks.mu.RLock()
	defer c.hooks.mu.RUnlock()
	return c.hooks.h
}

// incoming runs BeforeReceive and parses the result.
func (c *Client) incoming(ctx context.Context, raw []byte) (*Comment, error) {
	if h := c.currentHooks().BeforeReceive; h != nil {
		out, err := h(ctx, RawMessage(raw))
		if err != nil {
			c.cfg.Logger.Warn("MESSAGE_BEFORE_RECEIVED hook failed; using the message as received", "err", err)
		} else if len(out) > 0 {
			if cm, perr := parseComment(out); perr == nil {
				return cm, nil
			}
			c.cfg.Logger.Warn("MESSAGE_BEFORE_RECEIVED hook returned no valid comment; using the message as received")
		}
	}
	return parseComment(raw)
}

package sdk

// HeldCount exposes, to the black-box tests, how many comments wait for a
// gap in their room to be filled.
func HeldCount(c *Client) int { return c.heldCount() }

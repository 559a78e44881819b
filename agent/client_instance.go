package agent

import "context"

// Drain takes an instance out of the load balancer and waits for it to
// drain. An unreachable Consul is an *Error with code consul_unavailable,
// returned before anything changed.
func (c *Client) Drain(ctx context.Context, a DrainArgs) (DrainResult, error) {
	var r DrainResult
	err := c.call(ctx, OpDrain, a, &r, nil)
	return r, err
}

// Register (re)registers an instance with Consul, in maintenance.
func (c *Client) Register(ctx context.Context, a RegisterArgs) (RegisterResult, error) {
	var r RegisterResult
	err := c.call(ctx, OpRegister, a, &r, nil)
	return r, err
}

// Enable puts a registered instance into the load balancer.
func (c *Client) Enable(ctx context.Context, a EnableArgs) (EnableResult, error) {
	var r EnableResult
	err := c.call(ctx, OpEnable, a, &r, nil)
	return r, err
}

// Weight sets a registered instance's Consul weights (0: normal).
func (c *Client) Weight(ctx context.Context, a WeightArgs) (WeightResult, error) {
	var r WeightResult
	err := c.call(ctx, OpWeight, a, &r, nil)
	return r, err
}

// Verdict records a controller's verdict on the release in the journal.
func (c *Client) Verdict(ctx context.Context, a VerdictArgs) error {
	return c.call(ctx, OpVerdict, a, &VerdictResult{}, nil)
}

// Stop stops an instance's units and deregisters it from Consul.
func (c *Client) Stop(ctx context.Context, a StopArgs) (StopResult, error) {
	var r StopResult
	err := c.call(ctx, OpStop, a, &r, nil)
	return r, err
}

// ServeSlot records which slot serves (op serve).
func (c *Client) ServeSlot(ctx context.Context, a ServeArgs) (ServeResult, error) {
	var r ServeResult
	err := c.call(ctx, OpServe, a, &r, nil)
	return r, err
}

// Pending records or clears the host's paused-canary marker.
func (c *Client) Pending(ctx context.Context, a PendingArgs) (PendingResult, error) {
	var r PendingResult
	err := c.call(ctx, OpPending, a, &r, nil)
	return r, err
}

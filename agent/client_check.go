package agent

import "context"

// Check asks the host for the facts fleet check judges (CheckArgs). It
// needs no Hello, and changes nothing on the host.
func (c *Client) Check(ctx context.Context, a CheckArgs) (HostCheck, error) {
	if a.Protocol == 0 {
		a.Protocol = ProtocolVersion
	}
	var r HostCheck
	err := c.call(ctx, OpCheck, a, &r, nil)
	return r, err
}

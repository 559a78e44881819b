package transport

import (
	"time"
)

// keepaliveMaxMissed is how many unanswered keepalives mean a dead peer,
// as OpenSSH's ServerAliveCountMax default.
const keepaliveMaxMissed = 3

// pingResult is the outcome of one keepalive request.
type pingResult int

const (
	pingAnswered pingResult = iota
	pingMissed              // no answer within the interval
	pingBroken              // the connection is already gone
)

// runKeepalive pings every interval until done is closed or the connection
// breaks; after keepaliveMaxMissed missed pings in a row it calls dead,
// which closes the connection so blocked sessions fail instead of hanging on
// a peer that vanished without a FIN (network loss, host power-off).
func runKeepalive(done <-chan struct{}, interval time.Duration, ping func(timeout time.Duration) pingResult, dead func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		switch ping(interval) {
		case pingAnswered:
			missed = 0
		case pingBroken:
			return
		case pingMissed:
			missed++
			if missed >= keepaliveMaxMissed {
				dead()
				return
			}
		}
	}
}

// ping sends keepalive@openssh.com and waits up to timeout for any reply;
// servers answer unknown global requests with a failure, which is alive too.
func (c *Client) ping(timeout time.Duration) pingResult {
	res := make(chan error, 1)
	go func() {
		_, _, err := c.conn.SendRequest("keepalive@openssh.com", true, nil)
		res <- err
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-res:
		if err != nil {
			return pingBroken
		}
		return pingAnswered
	case <-timer.C:
		// The request goroutine ends when a reply arrives or dead() closes
		// the connection.
		return pingMissed
	case <-c.done:
		return pingAnswered
	}
}

// deadConn closes the connection after missed keepalives.
func (c *Client) deadConn() {
	c.log.Warn("ssh keepalive: no answer, closing connection", "missed", keepaliveMaxMissed)
	_ = c.conn.Close()
}

package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Client errors. Remote failures are *Error instead.
var (
	// ErrBroken: an earlier call was abandoned (its ctx ended) or the
	// stream went out of sync; the session must be closed.
	ErrBroken = errors.New("agent client broken")
	// ErrClosed: Close was called, or the agent's output ended.
	ErrClosed = errors.New("agent session closed")
)

// Client is the controller's side of one agent session. Calls are
// serialized: one request is in flight at a time.
type Client struct {
	mu     sync.Mutex // serializes calls; guards nextID, broken
	wmu    sync.Mutex // serializes writes to to: requests and heartbeats
	to     io.WriteCloser
	nextID uint64
	broken error

	lines     chan inputLine // from the reader goroutine
	done      chan struct{}  // closed by Close
	closeOnce sync.Once

	heartbeatOnce sync.Once
}

// NewClient wraps the agent's stdin (toAgent) and stdout (fromAgent).
func NewClient(toAgent io.WriteCloser, fromAgent io.Reader) *Client {
	c := &Client{to: toAgent, lines: make(chan inputLine), done: make(chan struct{})}
	go c.readLoop(newLineReader(fromAgent, MaxResponseLine))
	return c
}

// readLoop forwards lines until the agent's output ends or Close.
func (c *Client) readLoop(lr *lineReader) {
	defer close(c.lines)
	for {
		data, err := lr.next()
		if err != nil && !errors.Is(err, errLineTooLong) {
			if !errors.Is(err, io.EOF) {
				select {
				case c.lines <- inputLine{err: err}:
				case <-c.done:
				}
			}
			return
		}
		select {
		case c.lines <- inputLine{data: data, err: err}:
		case <-c.done:
			return
		}
	}
}

// Close ends the session: the agent sees EOF on its input, cancels what it
// was doing and exits, releasing the lock.
func (c *Client) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.done)
		if cerr := c.to.Close(); cerr != nil {
			err = fmt.Errorf("close agent session: %w", cerr)
		}
	})
	return err
}

func (c *Client) write(line []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.to.Write(line)
	return err
}

// heartbeat writes an empty line every interval until Close or a failed
// write, so the agent knows this controller is still there even while it
// waits for a long call or for other hosts (HelloArgs.IdleTimeout).
func (c *Client) heartbeat(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if c.write([]byte{'\n'}) != nil {
				return
			}
		}
	}
}

// call sends one request and waits for its response, passing events to
// onEvent (which may be nil). It decodes the result into out.
func (c *Client) call(ctx context.Context, op Op, args, out any, onEvent func(Event)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done:
		return fmt.Errorf("agent %s: %w", op, ErrClosed)
	default:
	}
	if c.broken != nil {
		return fmt.Errorf("agent %s: %w", op, c.broken)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("agent %s: encode args: %w", op, err)
	}
	c.nextID++
	id := c.nextID
	line, err := json.Marshal(Request{ID: id, Op: op, Args: raw})
	if err != nil {
		return fmt.Errorf("agent %s: encode request: %w", op, err)
	}
	if err := c.write(append(line, '\n')); err != nil {
		c.broken = fmt.Errorf("%w: %w", ErrClosed, err)
		return fmt.Errorf("agent %s: send: %w", op, err)
	}
	if err := c.await(ctx, id, out, onEvent); err != nil {
		// The agent's errors name their op ("health v2: …"), except the
		// internal ones, which wrap whatever failed; this client's own
		// (closed, broken, cancelled) do not.
		var remote *Error
		if errors.As(err, &remote) && remote.Code != CodeInternal {
			return err
		}
		return fmt.Errorf("agent %s: %w", op, err)
	}
	return nil
}

// await reads lines until the response to id. Leaving early (ctx) leaves
// the stream mid-response, so the client is then broken.
func (c *Client) await(ctx context.Context, id uint64, out any, onEvent func(Event)) error {
	for {
		var l inputLine
		var ok bool
		select {
		case <-ctx.Done():
			c.broken = fmt.Errorf("%w: abandoned a call: %w", ErrBroken, ctx.Err())
			return ctx.Err()
		case <-c.done:
			return ErrClosed
		case l, ok = <-c.lines:
		}
		if !ok {
			c.broken = ErrClosed
			return fmt.Errorf("%w: agent output ended", ErrClosed)
		}
		done, err := c.handle(l, id, out, onEvent)
		if done || err != nil {
			return err
		}
	}
}

// handle processes one response line; done means the call is answered.
func (c *Client) handle(l inputLine, id uint64, out any, onEvent func(Event)) (bool, error) {
	var resp Response
	if l.err == nil {
		l.err = json.Unmarshal(l.data, &resp) // tolerant: newer agents may add fields
	}
	if l.err != nil {
		c.broken = fmt.Errorf("%w: bad response line: %w", ErrBroken, l.err)
		return true, c.broken
	}
	switch {
	case resp.ID != id && resp.ID != 0:
		c.broken = fmt.Errorf("%w: response for request %d while waiting for %d", ErrBroken, resp.ID, id)
		return true, c.broken
	case resp.Event != nil:
		if onEvent != nil {
			onEvent(*resp.Event)
		}
		return false, nil
	case resp.Error != nil:
		return true, fromWire(resp.Error)
	case !resp.OK:
		c.broken = fmt.Errorf("%w: response without ok, error or event", ErrBroken)
		return true, c.broken
	case out != nil && len(resp.Result) > 0:
		if err := json.Unmarshal(resp.Result, out); err != nil {
			return true, fmt.Errorf("decode result: %w", err)
		}
	}
	return true, nil
}

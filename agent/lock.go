package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// hostLock is a held flock on <root>/.fleet/lock. The kernel drops it when
// the file is closed or the process dies, so it cannot outlive the session.
type hostLock struct {
	f      *os.File
	holder Holder
}

// acquireLock takes the lock and writes h into the file, or returns
// lock_held with whoever holds it. It does not wait for a holder, only
// rides out the instants in which a status probe holds the lock shared.
func acquireLock(ctx context.Context, path string, h Holder) (*hostLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privFileMode)
	if err != nil {
		return nil, ioError("lock", err)
	}
	if err := flockRetry(ctx, f); err != nil {
		_ = f.Close() // nothing was written
		if errors.Is(err, errLockBusy) {
			return nil, heldError(path)
		}
		return nil, ioError("lock", err)
	}
	l := &hostLock{f: f, holder: h}
	if err := l.writeHolder(); err != nil {
		_ = l.release()
		return nil, ioError("lock", err)
	}
	return l, nil
}

// flockRetry tries a few times over ~100ms: long enough for a status
// probe's shared lock to go, far too short to wait out a real holder.
func flockRetry(ctx context.Context, f *os.File) error {
	const attempts, pause = 5, 25 * time.Millisecond
	for i := 1; ; i++ {
		err := flockTry(f)
		if !errors.Is(err, errLockBusy) || i == attempts {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (l *hostLock) writeHolder() error {
	data, err := json.Marshal(l.holder)
	if err != nil {
		return fmt.Errorf("write holder: %w", err)
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("write holder: %w", err)
	}
	if _, err := l.f.WriteAt(append(data, '\n'), 0); err != nil {
		return fmt.Errorf("write holder: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("write holder: %w", err)
	}
	return nil
}

// release clears the holder record, so a reader never mistakes it for a
// live one, and closes the file, which drops the flock.
func (l *hostLock) release() error {
	terr := l.f.Truncate(0)
	cerr := l.f.Close()
	if err := errors.Join(terr, cerr); err != nil {
		return fmt.Errorf("release lock: %w", err)
	}
	return nil
}

// probeLock reports who holds the lock, nil when nobody does. It takes a
// shared lock for an instant to find out (acquireLock rides that out).
func probeLock(path string) (*Holder, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("probe lock: %w", err)
	}
	defer f.Close()
	held, err := flockProbe(f)
	if err != nil || !held {
		return nil, err
	}
	h, ok := readHolder(path)
	if !ok {
		return &Holder{Command: "(holder record not readable yet)"}, nil
	}
	return &h, nil
}

// readHolder parses the holder record. The holder may be between taking
// the lock and writing the record; then ok is false.
func readHolder(path string) (Holder, bool) {
	var h Holder
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &h) != nil {
		return h, false
	}
	return h, true
}

// heldError is the lock_held answer, naming the holder when it can.
func heldError(path string) *Error {
	h, ok := readHolder(path)
	if !ok {
		return &Error{Code: CodeLockHeld, Message: "lock held (holder record not readable yet)"}
	}
	return &Error{
		Code: CodeLockHeld,
		Message: fmt.Sprintf("lock held by %s@%s (pid %d, rollout %s, since %s): %s",
			h.User, h.Machine, h.PID, h.RolloutID, h.Since.Format(time.RFC3339), h.Command),
		Holder: &h,
	}
}

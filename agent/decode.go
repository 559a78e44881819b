package agent

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Line limits. Requests are small; responses carry at most journalMaxLast
// journal entries or a status listing, so they get more room.
const (
	MaxRequestLine  = 1 << 20
	MaxResponseLine = 16 << 20
)

// errLineTooLong reports a line over the limit. The reader skips the rest
// of that line and stays usable.
var errLineTooLong = errors.New("line too long")

// lineReader reads newline-terminated lines up to max bytes without
// allocating max up front (the client keeps one per host).
type lineReader struct {
	r   *bufio.Reader
	max int
}

// lineBuffer is the reader's buffer. Most lines fit; a longer one is
// gathered chunk by chunk (see next). Small, because a controller holds
// one per host: 64 KiB cost 64 MB of a 1,000-host rollout's memory.
const lineBuffer = 4 << 10

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, lineBuffer), max: max}
}

// next returns the next line without its newline, in a fresh slice. A last
// line without a newline is returned before io.EOF. A line over max yields
// errLineTooLong after the whole line was consumed.
func (l *lineReader) next() ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > l.max+1 { // +1: the newline
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && (len(line) == 0 || tooLong):
			return nil, err
		case tooLong:
			return nil, errLineTooLong
		}
		return bytes.TrimSuffix(line, []byte{'\n'}), nil
	}
}

// decodeStrict unmarshals exactly one JSON value with no unknown fields
// and nothing after it.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// decodeArgs decodes a request's args strictly; absent args decode as the
// zero value, so ops without arguments accept both {} and nothing.
func decodeArgs(raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	if err := decodeStrict(raw, v); err != nil {
		return errorf(CodeBadRequest, "args: %w", err)
	}
	return nil
}

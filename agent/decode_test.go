package agent

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/fleetdeploy/fleet/appspec"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 100)
	in := "a\n\n" + long + "\nb\n" + long + "\nlast"
	lr := newLineReader(iotest.OneByteReader(strings.NewReader(in)), 50)
	want := []struct {
		line string
		err  error
	}{{"a", nil}, {"", nil}, {"", errLineTooLong}, {"b", nil}, {"", errLineTooLong}, {"last", nil}, {"", io.EOF}}
	for i, w := range want {
		got, err := lr.next()
		if string(got) != w.line || !errors.Is(err, w.err) {
			t.Fatalf("line %d: %q, %v; want %q, %v", i, got, err, w.line, w.err)
		}
	}
}

func TestDuration_JSON(t *testing.T) {
	b, err := json.Marshal(appspec.Duration(90 * time.Second))
	if err != nil || string(b) != `"1m30s"` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var d appspec.Duration
	if err := json.Unmarshal([]byte(`"250ms"`), &d); err != nil || d.Std() != 250*time.Millisecond {
		t.Fatalf("unmarshal = %s, %v", d, err)
	}
	for _, bad := range []string{`1000`, `"soon"`, `""`} {
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("unmarshal %s: no error", bad)
		}
	}
}

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
	}{
		{`{"id":1,"op":"status"}`, true},
		{`{"id":1,"op":"status","args":{}}`, true},
		{`{"id":1,"op":"status"} {"id":2,"op":"status"}`, false},
		{`{"id":1,"op":"STATUS"}`, false},
		{`{"id":1,"op":"status","extra":1}`, false},
		{`{"id":-1,"op":"status"}`, false},
		{`[]`, false},
		{``, false},
	}
	for _, tt := range tests {
		_, err := DecodeRequest([]byte(tt.line))
		if (err == nil) != tt.ok {
			t.Errorf("DecodeRequest(%s) = %v, want ok=%v", tt.line, err, tt.ok)
		}
	}
}

package agent

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestExplainDenied(t *testing.T) {
	denied := ioError("lock", &fs.PathError{Op: "mkdir", Path: "/opt/hello", Err: syscall.EACCES})
	other := ioError("lock", &fs.PathError{Op: "mkdir", Path: "/opt/hello", Err: syscall.ENOSPC})
	tests := []struct {
		name     string
		user     string
		err      error
		wantHint bool
	}{
		{"non-root user, permission denied", "deploy", denied, true},
		{"root, permission denied", "root", denied, false},
		{"user unknown", "", denied, false},
		{"non-root user, another failure", "deploy", other, false},
		{"non-root user, no error", "deploy", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &session{deps: Deps{User: tt.user}}
			got := s.explainDenied(tt.err)
			if tt.err == nil {
				if got != nil {
					t.Fatalf("got %v for no error", got)
				}
				return
			}
			hinted := strings.Contains(got.Error(), "the agent runs as deploy, not root") &&
				strings.Contains(got.Error(), "ssh.sudo: true")
			if hinted != tt.wantHint {
				t.Errorf("%q: hint %v, want %v", got, hinted, tt.wantHint)
			}
			if !errors.Is(got, CodeIO) || !strings.HasPrefix(got.Error(), tt.err.Error()) {
				t.Errorf("%q lost the original code or message %q", got, tt.err)
			}
		})
	}
}

package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteNew_RefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.yaml")
	if err := WriteNew(path, []byte("first\n")); err != nil {
		t.Fatal(err)
	}
	err := WriteNew(path, []byte("second\n"))
	if !errors.Is(err, ErrExists) {
		t.Fatalf("second write: %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "first\n" {
		t.Errorf("the file now holds %q", got)
	}
	// A dangling symlink is a file there too: O_EXCL never follows it.
	link := filepath.Join(dir, "link.yaml")
	target := filepath.Join(dir, "elsewhere.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteNew(link, []byte("x")); !errors.Is(err, ErrExists) {
		t.Errorf("through a dangling symlink: %v, want ErrExists", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the symlink's target was created: %v", err)
	}
	if err := WriteNew(filepath.Join(dir, "no", "such", "dir.yaml"), nil); err == nil || errors.Is(err, ErrExists) {
		t.Errorf("in a missing directory: %v, want another error", err)
	}
}

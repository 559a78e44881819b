package transport

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"
)

func TestKnownHostsCache_ParsesOnceUntilTheFileChanges(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known_hosts")
	web := knownhosts.Line([]string{"web1:22"}, newPub(t, "ed25519")) + "\n"
	if err := os.WriteFile(file, []byte(web), 0o600); err != nil {
		t.Fatal(err)
	}
	var c knownHostsCache
	first, err := c.load(file)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := c.load(file); err != nil || again != first {
		t.Fatalf("second load of an unchanged file: %p, %v; want the first parse %p", again, err, first)
	}

	// accept-new appends a line: the next dial must see it.
	db := knownhosts.Line([]string{"db1:22"}, newPub(t, "ecdsa")) + "\n"
	if err := os.WriteFile(file, []byte(web+db), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	changed, err := c.load(file)
	if err != nil || changed == first {
		t.Fatalf("load after a change: %p, %v; want a new parse", changed, err)
	}
	hk, err := c.hostKeys(file, HostKeyStrict, "db1:22", slog.New(slog.DiscardHandler))
	if err != nil || len(hk.known) != 1 || hk.known[0].Key.Type() != "ecdsa-sha2-nistp256" {
		t.Fatalf("db1 after the change: %+v, %v", hk, err)
	}
}

func TestKnownHostsCache_MissingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "known_hosts")
	var c knownHostsCache
	hk, err := c.hostKeys(file, HostKeyAcceptNew, "web1:22", slog.New(slog.DiscardHandler))
	if err != nil || hk.check != nil || len(hk.known) != 0 {
		t.Fatalf("accept-new without a file: %+v, %v; want an unknown host", hk, err)
	}
	if _, err := c.hostKeys(file, HostKeyStrict, "web1:22", slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("strict without a file: no error")
	}
}

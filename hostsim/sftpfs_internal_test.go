package hostsim

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestAddExtent(t *testing.T) {
	cases := []struct {
		writes [][2]int64
		want   string
	}{
		{[][2]int64{{0, 10}, {10, 20}}, "[[0 20]]"},
		{[][2]int64{{10, 20}, {0, 10}}, "[[0 20]]"},
		{[][2]int64{{0, 5}, {10, 20}}, "[[0 5] [10 20]]"},
		{[][2]int64{{0, 5}, {10, 20}, {5, 10}}, "[[0 20]]"},
		{[][2]int64{{0, 5}, {20, 30}, {3, 25}}, "[[0 30]]"},
		{[][2]int64{{5, 5}}, "[]"},
	}
	for _, tc := range cases {
		var ext [][2]int64
		for _, w := range tc.writes {
			ext = addExtent(ext, w[0], w[1])
		}
		if got := fmt.Sprint(ext); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.writes, got, tc.want)
		}
	}
}

// TestCompareWriter_StandInOnlyForTheWholeArtifact writes a known
// artifact out of order (as concurrent SFTP writes arrive), then with a
// gap, then with a wrong byte.
func TestCompareWriter_StandInOnlyForTheWholeArtifact(t *testing.T) {
	reg := newStandIns()
	ref := []byte("0123456789abcdefghij")
	st := reg.get("real-sum", int64(len(ref)))
	st.ref = ref
	h := &Host{uploads: map[string]*upload{}}
	path := filepath.Join(t.TempDir(), "v1.part")
	run := func(writes [][2]int64, flip bool) []byte {
		t.Helper()
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		h.expectUpload(path, st)
		w := &compareWriter{host: h, path: path, st: st}
		for _, wr := range writes {
			p := append([]byte(nil), ref[wr[0]:wr[1]]...)
			if flip {
				p[0] ^= 1
			}
			if _, err := w.WriteAt(p, wr[0]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !h.takeSwapped(path) {
			t.Error("upload not marked swapped")
		}
		got, _ := os.ReadFile(path)
		return got
	}
	if got := run([][2]int64{{10, 20}, {0, 10}}, false); string(got) != string(st.content) {
		t.Errorf("whole artifact out of order: %q, want the stand-in", got)
	}
	if got := run([][2]int64{{0, 10}, {12, 20}}, false); string(got) == string(st.content) {
		t.Error("an upload with a gap got the stand-in")
	}
	if got := run([][2]int64{{0, 10}, {10, 20}}, true); string(got) == string(st.content) {
		t.Error("an upload with wrong bytes got the stand-in")
	}
}

package inventory

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"name", "name", 0},
		{"nmae", "name", 1}, // swap
		{"adress", "address", 1},
		{"kitten", "sitting", 3},
		{"code", "body", 2},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"name", "address", "labels", "ssh", "body"}
	tests := map[string]string{
		"nmae":    ` (did you mean "name"?)`,
		"adress":  ` (did you mean "address"?)`,
		"lables":  ` (did you mean "labels"?)`,
		"code":    "", // two edits from "body", but a different word
		"colour":  "",
		"x":       "",
		"sshh":    ` (did you mean "ssh"?)`,
		"address": ` (did you mean "address"?)`,
	}
	for in, want := range tests {
		if got := Suggest(in, known); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

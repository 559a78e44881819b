package appspec

import "unicode/utf8"

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// firstBad returns the first rune of s that ok refuses. Invalid UTF-8
// comes back as utf8.RuneError, which no rule accepts.
func firstBad(s string, ok func(rune) bool) (rune, bool) {
	for _, r := range s {
		if r == utf8.RuneError || !ok(r) {
			return r, true
		}
	}
	return 0, false
}

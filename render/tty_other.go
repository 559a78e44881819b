//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package render

// Elsewhere fleet never assumes a terminal: plain lines, no questions.
func isTerminal(uintptr) bool { return false }

func termWidth(uintptr) int { return 0 }

//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package main

// Elsewhere fleet never assumes a terminal: plain lines, no questions.
func isTerminal(uintptr) bool { return false }

func termWidth(uintptr) int { return 0 }

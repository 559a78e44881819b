package render

import (
	"io"
	"os"
)

// terminal reports whether w is a terminal, and its width in columns (80
// when the terminal does not say).
func terminal(w any) (width int, ok bool) {
	f, isFile := w.(*os.File)
	if !isFile || !isTerminal(f.Fd()) {
		return 0, false
	}
	if width = termWidth(f.Fd()); width <= 0 {
		width = 80
	}
	return width, true
}

// Interactive reports whether a person can answer a question: both the
// input and the output are terminals, and TERM is not "dumb".
func Interactive(in io.Reader, out io.Writer) bool {
	if dumbTerminal() {
		return false
	}
	_, inTTY := terminal(in)
	_, outTTY := terminal(out)
	return inTTY && outTTY
}

// dumbTerminal: TERM=dumb (Emacs shells, some CI consoles) cannot move the
// cursor.
func dumbTerminal() bool { return os.Getenv("TERM") == "dumb" }

package render

import (
	"io"
	"os"

	"golang.org/x/term"
)

// terminal reports whether w is a terminal, and its width in columns (80
// when the terminal does not say).
func terminal(w any) (width int, ok bool) {
	f, isFile := w.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
		return width, true
	}
	return 80, true
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

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestGreetingIn(t *testing.T) {
	dir := t.TempDir()
	if g, err := greetingIn(dir); err != nil || g != "hello" {
		t.Errorf("no file: %q %v, want hello", g, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config", "greeting"), []byte("  bonjour \nignored\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := greetingIn(dir)
	if err != nil || g != "bonjour" {
		t.Errorf("greeting %q %v, want bonjour", g, err)
	}
	rec := httptest.NewRecorder()
	newGreetingHandler("v2", "lab1", g, true).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Body.String(); got != "bonjour from v2 on lab1\n" {
		t.Errorf("GET / = %q", got)
	}
}

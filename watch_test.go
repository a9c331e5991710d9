package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestContentReload: under -content, saving a talk makes every open page
// reload (the author's edit loop).
func TestContentReload(t *testing.T) {
	dir := t.TempDir()
	talk := filepath.Join(dir, "t.slide")
	if err := os.WriteFile(talk, []byte("# T\n\n## One\n\nfirst\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "-content", dir)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"ws?talk=t.slide", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	// The server fingerprints the directory before it prints its URLs, so
	// this write (a different size) must be seen within a few polls.
	if err := os.WriteFile(talk, []byte("# T\n\n## One\n\nsecond version\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ws, 10*watchInterval, func(kind int, data []byte) bool {
		return kind == websocket.TextMessage && strings.Contains(string(data), `"reload"`)
	})
}

// TestContentFingerprint: the fingerprint changes with content and with a
// new file, and not otherwise.
func TestContentFingerprint(t *testing.T) {
	dir := t.TempDir()
	fsys := os.DirFS(dir)
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.slide", "one")
	a := contentFingerprint(fsys)
	if b := contentFingerprint(fsys); b != a {
		t.Fatalf("fingerprint changed with no change: %x then %x", a, b)
	}
	write("a.slide", "three")
	b := contentFingerprint(fsys)
	if b == a {
		t.Errorf("fingerprint unchanged after an edit")
	}
	write("img.svg", "<svg/>")
	if c := contentFingerprint(fsys); c == b {
		t.Errorf("fingerprint unchanged after a new file")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	watchContent(ctx, fsys, 0, time.Hour, func() { t.Error("changed after cancel") }) // returns at once
}

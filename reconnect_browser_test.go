package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReconnect: when the server goes away the widget says it is
// offline; when a server comes back on the same address the page
// reconnects by itself, resends its parameters and draws a fresh frame.
func TestBrowserReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, []string{"-http", addr}, io.Discard, io.Discard) }()
		return func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server on %s: %v", addr, err)
			}
		}
	}
	stop := start()
	ctx := newBrowser(t, 1280, 800)
	sel := `.demo[data-demo="twopop"]`
	// The server needs a moment to listen; navigation retries until it does.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := chromedp.Do(c, chromedp.Navigate("http://"+addr+"/"))
		cancel()
		if err == nil || time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("open the talk: %v", err)
			}
			break
		}
	}
	slide := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).closest(".slide").dataset.slide`, sel))
	evalJS[any](t, ctx, fmt.Sprintf(`window.balamp.show(%d), 0`, slide))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, sel))
	seq := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).dataset.seq`, sel))

	stop()
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "offline"`, sel))
	stop = start()
	defer stop()
	// Backoff is at most 8 s between attempts.
	waitJS(t, ctx, 20*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready" && +document.querySelector(%q).dataset.seq > %d`, sel, sel, seq))
}

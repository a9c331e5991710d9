package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserStartTimeout bounds Chromium's start on a loaded CI machine.
const browserStartTimeout = 60 * time.Second

// testServer is a real balamp server started through run, as `go run .`
// starts it, on a free loopback port.
type testServer struct {
	URL       string // audience URL, ending in "/"
	Presenter string // presenter URL with its token
	Stderr    *lockedBuffer
}

// startServer runs balamp with args (plus -http 127.0.0.1:0) until the test
// ends, and returns its URLs as printed on stdout.
func startServer(t testing.TB, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-http", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop within 10 s of cancellation")
		}
	})
	s := &testServer{Stderr: stderr}
	lines := bufio.NewScanner(pr)
	deadline := time.AfterFunc(10*time.Second, func() { pw.CloseWithError(fmt.Errorf("server printed no URLs in 10 s; stderr: %s", stderr)) })
	defer deadline.Stop()
	for (s.URL == "" || s.Presenter == "") && lines.Scan() {
		line := lines.Text()
		i := strings.Index(line, "http://")
		if i < 0 {
			continue
		}
		if strings.Contains(line, "presenter") {
			s.Presenter = line[i:]
		} else {
			s.URL = line[i:]
		}
	}
	if s.URL == "" || s.Presenter == "" {
		t.Fatalf("server printed no URLs (err %v); stderr: %s", lines.Err(), stderr)
	}
	go io.Copy(io.Discard, pr) // keep draining stdout
	return s
}

// chromiumPath finds Debian's Chromium.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium for one test and returns a tab
// context. Without Chromium the test skips, except in CI (CI=true), where
// browser tests must run.
func newBrowser(t testing.TB, width, height int) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but Chromium is not installed: .ci/run must apt-get install chromium")
		}
		t.Skip("Chromium not found: install it (apt-get install chromium) to run the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(width, height),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first Do starts the browser and binds it to ctx, so the start
	// timeout cancels ctx itself rather than a derived context.
	timer := time.AfterFunc(browserStartTimeout, cancelTab)
	defer timer.Stop()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// newTab opens another tab (page) in the same browser.
func newTab(t testing.TB, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	timer := time.AfterFunc(browserStartTimeout, cancel)
	defer timer.Stop()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// within runs steps with a timeout, failing the test with what on error.
func within(t testing.TB, ctx context.Context, d time.Duration, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// evalJS evaluates a JavaScript expression in the page.
func evalJS[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitJS polls a JavaScript expression until it is truthy.
func waitJS(t testing.TB, ctx context.Context, d time.Duration, expr string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// saveScreenshot writes a PNG of the page to testdata/screenshots when
// BALAMP_SCREENSHOTS=1, for a person to look at.
func saveScreenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("BALAMP_SCREENSHOTS") != "1" {
		return
	}
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is a goroutine-safe bytes.Buffer for a server's stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// awaitJS evaluates a JavaScript expression that yields a promise and
// returns what the promise resolves to.
func awaitJS[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, func(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }))
	if err != nil {
		t.Fatalf("awaiting %s: %v", expr, err)
	}
	return v
}

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// spatialTalk is the test talk holding the Fig 3 widget.
const spatialTalk = "spatial.slide"

// openSpatialSlide opens the spatial test talk at its first spatial widget,
// waits until it is ready and returns a selector for it.
func openSpatialSlide(t *testing.T, ctx context.Context, srv *testServer) string {
	t.Helper()
	within(t, ctx, 30*time.Second, "open the spatial talk", chromedp.Navigate(srv.URL+spatialTalk))
	slide := evalJS[int](t, ctx, `+document.querySelector('.demo[data-demo="spatial"]').closest(".slide").dataset.slide`)
	within(t, ctx, 10*time.Second, "go to the spatial slide", chromedp.Navigate(fmt.Sprintf("%s%s#%d", srv.URL, spatialTalk, slide)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.body.dataset.slide === "%d"`, slide))
	sel := fmt.Sprintf(`.slide[data-slide="%d"] .demo[data-demo="spatial"]`, slide)
	waitJS(t, ctx, 20*time.Second, fmt.Sprintf(`document.querySelector(%q)?.dataset.state === "ready"`, sel))
	return sel
}

// readoutNumber returns a readout parsed as a number.
func readoutNumber(t *testing.T, ctx context.Context, sel, name string) float64 {
	t.Helper()
	s := readout(t, ctx, sel, name)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("readout %s = %q, want a number", name, s)
	}
	return v
}

// TestBrowserFig3 drives the spatial widget: moving σ_d from the keyboard
// recomputes the modes (the images, the spectrum and the readouts follow,
// and at σ_d = 3 mode 2 is no longer a map); Play streams spontaneous
// activity with a running variance ratio; pressing again pauses.
func TestBrowserFig3(t *testing.T) {
	srv := startServer(t, "-content", "testdata/talks")
	ctx := newBrowser(t, 1280, 800)
	sel := openSpatialSlide(t, ctx, srv)

	proj := readoutNumber(t, ctx, sel, "mapProjection")
	mu := readout(t, ctx, sel, "mu")
	if proj < 0.99 {
		t.Errorf("mode 2 map projection at the defaults = %v, want ≥ 0.99", proj)
	}
	if inked, total := canvasesInked(t, ctx, sel); total < 6 || inked != total {
		t.Errorf("%d of %d canvases drawn, want all of at least 6", inked, total)
	}
	modeLabel := func() string {
		return evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' select[name="mode"] option[value="2"]').textContent`, sel))
	}
	label8 := modeLabel()
	saveScreenshot(t, ctx, "fig3-default-1280x800")

	// Keyboard read-out: Tab to the orientation map, arrows walk the sites.
	within(t, ctx, 10*time.Second, "arrows on the orientation map", chromedp.Focus(chromedp.CSS(sel+` .panel:first-child canvas`)),
		chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowDown))
	if got := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' .readline').textContent`, sel)); !strings.Contains(got, "(x 1, y 1)") {
		t.Errorf("after → ↓ on the orientation map the read-out is %q, want site (x 1, y 1)", got)
	}

	// σ_d 8 → 3 in ten steps of 0.5.
	seq := widgetSeq(t, ctx, sel)
	keys := make([]string, 10)
	for i := range keys {
		keys[i] = kb.ArrowLeft
	}
	pressKeys(t, ctx, sel, `input[name="sigma"]`, keys...)
	waitJS(t, ctx, 20*time.Second, fmt.Sprintf(`(() => {
		const w = document.querySelector(%q);
		return w.dataset.state === "ready" && +w.querySelector('output[data-readout="mapProjection"]').textContent < 0.5;
	})()`, sel))
	if got := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' input[name="sigma"]').value`, sel)); got != "3" {
		t.Errorf("σ_d slider = %s after ten ArrowLeft, want 3", got)
	}
	if s := widgetSeq(t, ctx, sel); s <= seq {
		t.Errorf("data-seq = %d after moving σ_d, want > %d", s, seq)
	}
	if got := readout(t, ctx, sel, "mu"); got == mu {
		t.Errorf("μ_2 = %s both at σ_d = 8 and 3, want it to change", got)
	}
	if got := modeLabel(); got == label8 {
		t.Errorf("mode selector label %q did not follow the new spectrum", got)
	}
	saveScreenshot(t, ctx, "fig3-short-range-1280x800")

	// Play: movie frames arrive (they share their parameters' seq, so the
	// view counts them), the running ratio becomes a number.
	play := sel + ` button[name="play"]`
	within(t, ctx, 10*time.Second, "press Play", chromedp.Click(chromedp.CSS(play)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-pressed") === "true"`, play))
	frames := fmt.Sprintf(`+(document.querySelector(%q + " .demo-figs").dataset.movieFrames || 0)`, sel)
	waitJS(t, ctx, 10*time.Second, frames+" >= 5")
	start := evalJS[int](t, ctx, frames)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf("%s >= %d", frames, start+10))
	if r := readoutNumber(t, ctx, sel, "ratioSim"); !(r > 0) {
		t.Errorf("ratioSim while playing = %v, want > 0", r)
	}
	if c := readoutNumber(t, ctx, sel, "corr"); !(c >= -1 && c <= 1) {
		t.Errorf("corr while playing = %v, want in [−1, 1]", c)
	}
	if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, sel)); st != "ready" {
		t.Errorf("state while playing = %q, want ready", st)
	}
	saveScreenshot(t, ctx, "fig3-playing-1280x800")

	// Pause: the paused frame replaces the movie's readouts.
	within(t, ctx, 10*time.Second, "press Pause", chromedp.Click(chromedp.CSS(play)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-pressed") === "false"`, play))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="ratioSim"]').textContent === "—"`, sel))
	if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, sel)); st != "ready" {
		t.Errorf("state after pausing = %q, want ready", st)
	}
}

// TestBrowserFig3Narrow: on a phone the panels stack in one column and
// nothing is wider than the screen.
func TestBrowserFig3Narrow(t *testing.T) {
	srv := startServer(t, "-content", "testdata/talks")
	ctx := newBrowser(t, 390, 844)
	// Headless windows are at least 500 px wide: emulate the phone's viewport.
	within(t, ctx, 10*time.Second, "emulate a 390×844 screen", chromedp.EmulateViewport(390, 844))
	sel := openSpatialSlide(t, ctx, srv)
	if w := evalJS[int](t, ctx, `document.scrollingElement.scrollWidth`); w > 390 {
		t.Errorf("page is %d px wide on a 390 px screen", w)
	}
	lefts := evalJS[[]float64](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%q + " .spatial-figs > .panel")].map((p) => p.getBoundingClientRect().left)`, sel))
	for i, l := range lefts {
		if l != lefts[0] {
			t.Errorf("panel %d starts at x = %v, panel 0 at %v: want one column", i, l, lefts[0])
		}
	}
	saveScreenshot(t, ctx, "fig3-default-390x844")
}

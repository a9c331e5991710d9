package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"balamp/demos"
)

// TestBrowserFig4 drives the Schur-basis widget: at the walkthrough's
// b = 0.7 it reads the walkthrough's eigenvalues and feed-forward weights,
// and moving b from the keyboard moves them as T(b) says.
func TestBrowserFig4(t *testing.T) {
	srv := startServer(t, "-content", "testdata/talks")
	ctx := newBrowser(t, 1280, 800)
	sel := openDemoSlide(t, ctx, srv, "schur")
	for name, want := range map[string]string{
		"eigenvalues": "0.090, -0.030, -0.060",
		"T12":         "1.40",
		"T13":         "0.35",
		"T23":         "0.84",
		"henrici":     "1.670",
	} {
		if got := readout(t, ctx, sel, name); got != want {
			t.Errorf("default %s = %q, want %q", name, got, want)
		}
	}
	if inked, total := canvasesInked(t, ctx, sel); total < 6 || inked != total {
		t.Errorf("%d of %d canvases drawn, want all of at least 6", inked, total)
	}
	if got := hoverReads(t, ctx, sel); !strings.HasPrefix(got, "t = ") || !strings.Contains(got, "‖r‖") {
		t.Errorf("read-out after hovering the growth plot = %q, want \"t = …: ‖r‖ …\"", got)
	}
	saveScreenshot(t, ctx, "fig4-default-1280x800")

	// b one step up: T(b) = (1 − b)·diag(0.3, −0.1, −0.2) + b·F.
	pressKeys(t, ctx, sel, `input[name="b"]`, kb.ArrowRight)
	b := evalJS[float64](t, ctx, fmt.Sprintf(`+document.querySelector(%q + ' input[name="b"]').value`, sel))
	if b <= 0.7 {
		t.Fatalf("b = %v after ArrowRight, want > 0.7", b)
	}
	want := map[string]string{
		"eigenvalues": demos.FormatEigenvalues([]complex128{complex(0.3*(1-b), 0), complex(-0.1*(1-b), 0), complex(-0.2*(1-b), 0)}, 3),
		"T12":         demos.FormatNumber(2*b, 2),
		"T13":         demos.FormatNumber(0.5*b, 2),
		"T23":         demos.FormatNumber(1.2*b, 2),
	}
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="eigenvalues"]').textContent === %q`, sel, want["eigenvalues"]))
	for name, w := range want {
		if got := readout(t, ctx, sel, name); got != w {
			t.Errorf("b = %v: %s = %q, want %q", b, name, got, w)
		}
	}
	if want["eigenvalues"] == "0.090, -0.030, -0.060" || want["T12"] == "1.40" {
		t.Errorf("b = %v reads like b = 0.7: %v", b, want)
	}

	// The amplifying preset shows transient growth (G_max > 1).
	within(t, ctx, 10*time.Second, "click g = 3", chromedp.Click(chromedp.CSS(sel+` button[data-preset="amplifying"]`)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="T12"]').textContent === "4.20"`, sel))
	if g := evalJS[float64](t, ctx, fmt.Sprintf(`+document.querySelector(%q + ' output[data-readout="gMax"]').textContent`, sel)); g <= 1 {
		t.Errorf("amplifying preset: gMax = %v, want > 1", g)
	}
	if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, sel)); st != "ready" {
		t.Errorf("amplifying preset: state %q, want ready", st)
	}
	saveScreenshot(t, ctx, "fig4-amplifying-1280x800")
}

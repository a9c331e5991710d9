package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"balamp/demos"
	"balamp/sim"
)

// figsTalk is the test talk holding the Fig 2 and Fig 4 widgets, so that
// their browser tests do not depend on the lecture deck.
const figsTalk = "figs.slide"

// openDemoSlide opens the test talk at the first slide holding a widget of
// the demo, waits until that widget is ready and returns a selector for it.
func openDemoSlide(t *testing.T, ctx context.Context, srv *testServer, demo string) string {
	t.Helper()
	within(t, ctx, 30*time.Second, "open the test talk", chromedp.Navigate(srv.URL+figsTalk))
	slide := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector('.demo[data-demo=%q]').closest(".slide").dataset.slide`, demo))
	within(t, ctx, 10*time.Second, "go to the "+demo+" slide", chromedp.Navigate(fmt.Sprintf("%s%s#%d", srv.URL, figsTalk, slide)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.body.dataset.slide === "%d"`, slide))
	sel := fmt.Sprintf(`.slide[data-slide="%d"] .demo[data-demo=%q]`, slide, demo)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q)?.dataset.state === "ready"`, sel))
	return sel
}

// widgetSeq returns the sequence number of the frame the widget last drew.
func widgetSeq(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).dataset.seq`, sel))
}

// pressKeys focuses a control and sends keys, then waits for a newer frame.
func pressKeys(t *testing.T, ctx context.Context, sel, control string, keys ...string) {
	t.Helper()
	seq := widgetSeq(t, ctx, sel)
	steps := []chromedp.Action[chromedp.Void]{chromedp.Focus(chromedp.CSS(sel + " " + control))}
	for _, k := range keys {
		steps = append(steps, chromedp.KeyEvent(k))
	}
	within(t, ctx, 10*time.Second, "keys on "+control, steps...)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`+document.querySelector(%q).dataset.seq > %d`, sel, seq))
}

// canvasesInked reports how many of the widget's canvases have at least one
// non-transparent pixel, and how many canvases it has.
func canvasesInked(t *testing.T, ctx context.Context, sel string) (inked, total int) {
	t.Helper()
	v := evalJS[[]int](t, ctx, fmt.Sprintf(`(() => {
		const cs = [...document.querySelectorAll(%q + " canvas")];
		const inked = cs.filter((c) => {
			if (!c.width || !c.height) return false;
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
			return false;
		}).length;
		return [inked, cs.length];
	})()`, sel))
	return v[0], v[1]
}

// hoverReads moves the pointer to the middle of the widget's first
// time-scrub canvas and returns the text of its read-out line.
func hoverReads(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return evalJS[string](t, ctx, fmt.Sprintf(`(() => {
		const c = document.querySelector(%q + ' canvas[role="slider"]');
		const r = c.getBoundingClientRect();
		c.dispatchEvent(new PointerEvent("pointermove", {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true}));
		return document.querySelector(%q + " .readline").textContent;
	})()`, sel, sel))
}

// TestBrowserFig2 drives the Hebbian-versus-balanced widget: the 4× preset
// gives both networks exactly 4×, and moving kI from the keyboard keeps them
// matched (w_B recomputed) until the balanced ceiling, where the widget says
// so instead of drawing.
func TestBrowserFig2(t *testing.T) {
	srv := startServer(t, "-content", "testdata/talks")
	ctx := newBrowser(t, 1280, 800)
	sel := openDemoSlide(t, ctx, srv, "hebbian")
	readEq := func(what, name, want string) {
		t.Helper()
		if got := readout(t, ctx, sel, name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}

	// The default preset is 4× (the paper's).
	readEq("default", "ampHebbian", "4.00")
	readEq("default", "ampBalanced", "4.00")
	readEq("default", "wBalanced", "4.286") // 30/7
	if got := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' button[data-preset="4x"]').getAttribute("aria-pressed")`, sel)); got != "true" {
		t.Errorf("4× preset aria-pressed = %q at the default, want true", got)
	}
	if inked, total := canvasesInked(t, ctx, sel); total < 4 || inked != total {
		t.Errorf("%d of %d canvases drawn, want all of at least 4", inked, total)
	}
	if got := hoverReads(t, ctx, sel); !strings.HasPrefix(got, "t = ") || !strings.Contains(got, "balanced rE") {
		t.Errorf("read-out after hovering the plot = %q, want \"t = …: Hebbian rE … balanced rE …\"", got)
	}
	saveScreenshot(t, ctx, "fig2-4x-1280x800")

	// Another preset, then back to 4×.
	within(t, ctx, 10*time.Second, "click 2×", chromedp.Click(chromedp.CSS(sel+` button[data-preset="2x"]`)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="ampBalanced"]').textContent === "2.00"`, sel))
	readEq("2× preset", "ampHebbian", "2.00")
	within(t, ctx, 10*time.Second, "click 4×", chromedp.Click(chromedp.CSS(sel+` button[data-preset="4x"]`)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="ampBalanced"]').textContent === "4.00"`, sel))
	readEq("4× preset", "ampHebbian", "4.00")

	// Move kI: w_B follows so that both stay at 4.00.
	kISlider := `input[name="kI"]`
	checkKI := func(what string) {
		t.Helper()
		kI := evalJS[float64](t, ctx, fmt.Sprintf(`+document.querySelector(%q + " " + %q).value`, sel, kISlider))
		wB, err := sim.BalancedWeight(4, kI)
		if err != nil {
			t.Fatalf("%s: kI = %v: %v", what, kI, err)
		}
		want := demos.FormatNumber(wB, 3)
		waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="wBalanced"]').textContent === %q`, sel, want))
		readEq(what, "ampHebbian", "4.00")
		readEq(what, "ampBalanced", "4.00")
		if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, sel)); st != "ready" {
			t.Errorf("%s: state %q, want ready", what, st)
		}
	}
	pressKeys(t, ctx, sel, kISlider, kb.ArrowRight, kb.ArrowRight, kb.ArrowRight)
	checkKI("kI + 3 steps")
	pressKeys(t, ctx, sel, kISlider, kb.Home)
	checkKI("kI = 1")

	// kI = 3: the ceiling is 1.5×, so 4× is out of the balanced network's reach.
	pressKeys(t, ctx, sel, kISlider, kb.End)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "unstable"`, sel))
	msg := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + " .status").textContent`, sel))
	if !strings.Contains(msg, "ceiling") || !strings.Contains(msg, "1.50") {
		t.Errorf("status at kI = 3 = %q, want it to name the ceiling 1.50×", msg)
	}
	readEq("kI = 3", "ampHebbian", "4.00")
	readEq("kI = 3", "ceiling", "1.50")
	saveScreenshot(t, ctx, "fig2-ceiling-1280x800")
	pressKeys(t, ctx, sel, kISlider, kb.Home)
	checkKI("back to kI = 1")

	// The view select is drawing only: no new frame, still ready.
	seq := widgetSeq(t, ctx, sel)
	evalJS[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector(%q + ' select[name="view"]'); s.value = "1"; s.dispatchEvent(new Event("change")); return true; })()`, sel))
	evalJS[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.querySelector(%q + ' select[name="input"]'); s.value = "1"; s.dispatchEvent(new Event("change")); return true; })()`, sel))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`+document.querySelector(%q).dataset.seq === %d`, sel, seq+1))
	if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, sel)); st != "ready" {
		t.Errorf("sustained, normalised: state %q, want ready", st)
	}
	readEq("sustained", "ampBalanced", "4.00")
	saveScreenshot(t, ctx, "fig2-sustained-normalised-1280x800")
}

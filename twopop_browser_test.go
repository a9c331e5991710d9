package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// fig1Slide finds the slide holding the Fig 1 widget.
const fig1Selector = `.demo[data-demo="twopop"]`

// TestBrowserFig1 drives the Fig 1 widget as a lecturer would: open the
// talk, go to the slide, press the Paper preset, move the w slider.
func TestBrowserFig1(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t, 1280, 800)
	within(t, ctx, 30*time.Second, "open the talk", chromedp.Navigate(srv.URL))
	slide := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).closest(".slide").dataset.slide`, fig1Selector))
	within(t, ctx, 10*time.Second, "go to Fig 1", chromedp.Navigate(fmt.Sprintf("%s#%d", srv.URL, slide)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.body.dataset.slide === "%d"`, slide))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, fig1Selector))

	// The default (E pulse, w = 4√(2/7)) reads the walkthrough's numbers.
	for name, want := range map[string]string{"wFF": "4.490", "wPlus": "0.214", "lambda": "-0.214"} {
		if got := readout(t, ctx, fig1Selector, name); got != want {
			t.Errorf("default %s = %q, want %q", name, got, want)
		}
	}
	within(t, ctx, 10*time.Second, "click Paper", chromedp.Click(chromedp.CSS(fig1Selector+` button[data-preset="paper"]`)))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="wFF"]').textContent === "9.000"`, fig1Selector))
	if got := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' button[data-preset="paper"]').getAttribute("aria-pressed")`, fig1Selector)); got != "true" {
		t.Errorf("Paper preset aria-pressed = %q, want true", got)
	}
	saveScreenshot(t, ctx, "fig1-paper-1280x800")

	seq := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).dataset.seq`, fig1Selector))
	slider := fig1Selector + ` input[name="w"]`
	within(t, ctx, 10*time.Second, "move w", chromedp.Focus(chromedp.CSS(slider)),
		chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`+document.querySelector(%q).dataset.seq > %d`, fig1Selector, seq))
	// wFF = w(1 + kI) with kI = 1.1 at whatever value the slider reached.
	w := evalJS[float64](t, ctx, fmt.Sprintf(`+document.querySelector(%q).value`, slider))
	if w <= 30.0/7 {
		t.Fatalf("w slider = %v after three ArrowRight, want > 30/7", w)
	}
	want := fmt.Sprintf("%.3f", 2.1*w)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="wFF"]').textContent === %q`, fig1Selector, want))
	if st := evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).dataset.state`, fig1Selector)); st != "ready" {
		t.Errorf("state after moving w = %q, want ready", st)
	}
}

// readout returns the text of a widget's readout.
func readout(t *testing.T, ctx context.Context, widget, name string) string {
	t.Helper()
	return evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout=%q]').textContent`, widget, name))
}

// TestBrowserInputThrottle: fifty slider input events within one animation
// frame send one message at once and one coalesced message (with the last
// value) at the next frame, never fifty.
func TestBrowserInputThrottle(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t, 1280, 800)
	within(t, ctx, 30*time.Second, "open the talk", chromedp.Navigate(srv.URL))
	slide := evalJS[int](t, ctx, fmt.Sprintf(`+document.querySelector(%q).closest(".slide").dataset.slide`, fig1Selector))
	evalJS[any](t, ctx, fmt.Sprintf(`window.balamp.show(%d), 0`, slide))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, fig1Selector))
	evalJS[any](t, ctx, fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		const w = window.balamp.widgets.get(el.dataset.widget);
		window.sent = [];
		const send = w.page.send;
		w.page.send = (m) => { if (m.type === "params") window.sent.push(m.params.w); send(m); };
		const input = el.querySelector('input[name="w"]');
		requestAnimationFrame(() => {
			for (let i = 1; i <= 50; i++) { input.value = 2 + i / 100; input.dispatchEvent(new Event("input")); }
		});
		return 0;
	})()`, fig1Selector))
	waitJS(t, ctx, 5*time.Second, `window.sent.length >= 2`)
	// Wait two more frames: nothing else may be sent.
	awaitJS[int](t, ctx, `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(0))))`)
	sent := evalJS[[]float64](t, ctx, `window.sent`)
	if len(sent) != 2 || sent[0] != 2.01 || sent[1] != 2.5 {
		t.Errorf("50 inputs in one frame sent w = %v, want [2.01 2.5] (the first at once, the last at the next frame)", sent)
	}
}

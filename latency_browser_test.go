package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// BenchmarkBrowserSliderLatency measures, in headless Chromium on loopback,
// the time from a slider's input event to the frame drawn on the next
// animation frame (window.balamp.stats(), measured in the page). Each
// iteration is one keyboard step of a slider followed by the wait for its
// frame; the "-scripted" case changes the value from script instead, so the
// browser has no key press to render (it locates where the time goes). Run
// with:
//
//	go test -run XXX -bench BrowserSliderLatency -benchtime 200x .
func BenchmarkBrowserSliderLatency(b *testing.B) {
	cases := []struct {
		demo, param string
		scripted    bool // change the value from script: no key press to render
	}{
		{"twopop", "w", false},
		{"hebbian", "amp", false},
		{"schur", "b", false},
		{"spatial", "w", false},
		{"twopop", "w", true},
	}
	for _, c := range cases {
		name := c.demo
		if c.scripted {
			name += "-scripted"
		}
		b.Run(name, func(b *testing.B) {
			bt := b
			srv := startServer(b)
			ctx := newBrowser(bt, 1280, 800)
			sel := fmt.Sprintf(`.demo[data-demo=%q]`, c.demo)
			within(bt, ctx, 30*time.Second, "open the talk", chromedp.Navigate(srv.URL))
			if !evalJS[bool](bt, ctx, fmt.Sprintf(`!!document.querySelector(%q)`, sel)) {
				b.Skipf("the lecture has no %s widget", c.demo)
			}
			slide := evalJS[int](bt, ctx, fmt.Sprintf(`+document.querySelector(%q).closest(".slide").dataset.slide`, sel))
			within(bt, ctx, 10*time.Second, "go to the slide", chromedp.Navigate(fmt.Sprintf("%s#%d", srv.URL, slide)))
			waitJS(bt, ctx, 60*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, sel))
			slider := sel + fmt.Sprintf(` input[name=%q]`, c.param)
			within(bt, ctx, 10*time.Second, "focus the slider", chromedp.Focus(chromedp.CSS(slider)))
			evalJS[any](bt, ctx, `window.balamp.resetStats(), 0`)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				seq := evalJS[int](bt, ctx, fmt.Sprintf(`+document.querySelector(%q).dataset.seq`, sel))
				key := kb.ArrowRight
				if i%20 >= 10 {
					key = kb.ArrowLeft // wander back and forth inside the range
				}
				if c.scripted {
					evalJS[any](bt, ctx, fmt.Sprintf(`window.balamp.widgets.get(document.querySelector(%q).dataset.widget).set(%q, 2 + %d * 0.01, false), 0`, sel, c.param, i%200))
				} else {
					within(bt, ctx, 10*time.Second, "step the slider", chromedp.KeyEvent(key))
				}
				waitJS(bt, ctx, 30*time.Second, fmt.Sprintf(`+document.querySelector(%q).dataset.seq > %d`, sel, seq))
			}
			b.StopTimer()
			st := evalJS[map[string]any](bt, ctx, `window.balamp.stats()`)
			lat := st["latencyMs"].(map[string]any)
			if lat["p50"] == nil {
				b.Fatalf("no latency samples: %v", st)
			}
			b.ReportMetric(lat["p50"].(float64), "p50-ms")
			b.ReportMetric(lat["p95"].(float64), "p95-ms")
			b.ReportMetric(lat["n"].(float64), "samples")
		})
	}
}

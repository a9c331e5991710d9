package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserPresenterFollow gives a lecture from the presenter view with
// two audience pages in the same browser (so they even carry the presenter
// cookie): both follow a slide change and a slider move; one unticks
// "follow" and stays where it is while the other keeps following; ticking
// it again snaps it back to the room.
func TestBrowserPresenterFollow(t *testing.T) {
	srv := startServer(t)
	browser := newBrowser(t, 1280, 800)
	pres := browser
	within(t, pres, 30*time.Second, "open the presenter URL", chromedp.Navigate(srv.Presenter))
	if u := evalJS[string](t, pres, `location.href`); strings.Contains(u, "token") || !strings.Contains(u, "/presenter") {
		t.Fatalf("presenter URL redirected to %q, want a clean /presenter URL", u)
	}
	waitJS(t, pres, 10*time.Second, `document.querySelector(".deck-nav .conn").dataset.conn === "open" && document.body.dataset.slide === "1"`)
	slide := evalJS[int](t, pres, fmt.Sprintf(`+document.querySelector(%q).closest(".slide").dataset.slide`, fig1Selector))
	if slide < 2 {
		t.Fatalf("twopop is on slide %d, want a slide after the title", slide)
	}

	follower, explorer := newTab(t, browser), newTab(t, browser)
	for _, tab := range []context.Context{follower, explorer} {
		within(t, tab, 30*time.Second, "open the talk", chromedp.Navigate(srv.URL))
		waitJS(t, tab, 10*time.Second, `window.balamp && window.balamp.room.driven && window.balamp.following`)
		if evalJS[bool](t, tab, `document.querySelector(".deck-nav .follow").hidden`) {
			t.Fatal("follow toggle hidden in an audience page of a driven room")
		}
	}

	// The presenter goes to the slide before Fig 1 by its hash, then on by
	// the arrow key.
	within(t, pres, 10*time.Second, "go to the slide before Fig 1",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`location.hash = "#%d"`, slide-1)))
	waitJS(t, pres, 10*time.Second, fmt.Sprintf(`document.body.dataset.slide === "%d"`, slide-1))
	within(t, pres, 10*time.Second, "press →", chromedp.KeyEvent(kb.ArrowRight))
	onSlide := func(n int) string { return fmt.Sprintf(`document.body.dataset.slide === "%d"`, n) }
	waitJS(t, pres, 10*time.Second, onSlide(slide))
	for _, tab := range []context.Context{follower, explorer} {
		waitJS(t, tab, 10*time.Second, onSlide(slide))
	}
	ready := fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, fig1Selector)
	waitJS(t, pres, 10*time.Second, ready)
	saveScreenshot(t, pres, "presenter-view-fig1-1280x800")
	wff := func(ctx context.Context) string { return readout(t, ctx, fig1Selector, "wFF") }
	for _, tab := range []context.Context{follower, explorer} {
		waitJS(t, tab, 10*time.Second, ready)
		if got, want := wff(tab), wff(pres); got != want {
			t.Errorf("audience wFF = %q, presenter's %q", got, want)
		}
	}

	// The presenter moves w: both audience pages show the new readout.
	slider := fig1Selector + ` input[name="w"]`
	hasWFF := func(v string) string {
		return fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="wFF"]').textContent === %q`, fig1Selector, v)
	}
	move := func(what string) string {
		before := wff(pres)
		within(t, pres, 10*time.Second, what, chromedp.Focus(chromedp.CSS(slider)),
			chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
		// Wait for the frame of the slider's final value: wFF = w(1 + kI).
		waitJS(t, pres, 10*time.Second, fmt.Sprintf(`(() => {
			const d = document.querySelector(%q), w = +d.querySelector('input[name="w"]').value, kI = +d.querySelector('input[name="kI"]').value;
			const out = d.querySelector('output[data-readout="wFF"]').textContent;
			return out !== %q && out === (w * (1 + kI)).toFixed(3);
		})()`, fig1Selector, before))
		return wff(pres)
	}
	w1 := move("move w")
	for _, tab := range []context.Context{follower, explorer} {
		waitJS(t, tab, 10*time.Second, hasWFF(w1))
	}
	if got, want := evalJS[string](t, follower, `document.querySelector('`+slider+`').value`), evalJS[string](t, pres, `document.querySelector('`+slider+`').value`); got != want {
		t.Errorf("audience w slider = %s, presenter's %s", got, want)
	}

	// Follow off: the explorer's own widget computes (its frame comes back
	// after the server has taken "follow off"), then stays put while the
	// presenter moves on and the follower keeps following.
	seq := evalJS[int64](t, explorer, fmt.Sprintf(`+document.querySelector(%q).dataset.seq`, fig1Selector))
	within(t, explorer, 10*time.Second, "untick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	waitJS(t, explorer, 10*time.Second, fmt.Sprintf(`!window.balamp.following && +document.querySelector(%q).dataset.seq > %d`, fig1Selector, seq))
	w2 := move("move w again")
	waitJS(t, follower, 10*time.Second, hasWFF(w2))
	presW := evalJS[float64](t, pres, fmt.Sprintf(`+document.querySelector(%q).value`, slider))
	waitJS(t, explorer, 10*time.Second, fmt.Sprintf(`window.balamp.room.widgets[%q].params.w === %v`,
		evalJS[string](t, pres, fmt.Sprintf(`document.querySelector(%q).dataset.widget`, fig1Selector)), presW))
	if got := wff(explorer); got != w1 {
		t.Errorf("explorer wFF = %q after the presenter moved on, want it to stay %q", got, w1)
	}

	// Follow on: the explorer snaps to the room's parameters.
	within(t, explorer, 10*time.Second, "tick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	waitJS(t, explorer, 10*time.Second, hasWFF(w2))

	// Again for the slide: follow off, the presenter goes on, follow on.
	within(t, explorer, 10*time.Second, "untick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	waitJS(t, explorer, 10*time.Second, `!window.balamp.following`)
	within(t, pres, 10*time.Second, "press → in the presenter view", chromedp.Blur(chromedp.CSS(slider)), chromedp.KeyEvent(kb.ArrowRight))
	waitJS(t, pres, 10*time.Second, onSlide(slide+1))
	waitJS(t, follower, 10*time.Second, onSlide(slide+1))
	waitJS(t, explorer, 10*time.Second, fmt.Sprintf(`window.balamp.room.slide === %d`, slide+1))
	if got := evalJS[string](t, explorer, `document.body.dataset.slide`); got != fmt.Sprint(slide) {
		t.Errorf("explorer on slide %s after the presenter moved on, want it to stay on %d", got, slide)
	}
	within(t, explorer, 10*time.Second, "tick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	waitJS(t, explorer, 10*time.Second, onSlide(slide+1))
	saveScreenshot(t, pres, "presenter-view-1280x800")
}

// TestBrowserPresenterView checks the presenter view's own parts: the
// next slide's preview with inert demos, the notes of the current slide,
// the timer and its reset, the clock, and #N.
func TestBrowserPresenterView(t *testing.T) {
	srv := startServer(t, "-content", "testdata/presenter")
	ctx := newBrowser(t, 1280, 800)
	within(t, ctx, 30*time.Second, "open the presenter URL", chromedp.Navigate(srv.Presenter))
	base := strings.TrimSuffix(srv.URL, "/")
	within(t, ctx, 30*time.Second, "open the talk's presenter view", chromedp.Navigate(base+"/presenter/talk.slide#2"))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "2"`)
	if got := evalJS[string](t, ctx, `document.querySelector(".pv-notes-body").textContent`); !strings.Contains(got, notesMarker+" two") {
		t.Errorf("notes of slide 2 = %q, want them to contain %q", got, notesMarker+" two")
	}
	if got := evalJS[string](t, ctx, `document.querySelector(".pv-next .pv-head").textContent`); !strings.Contains(got, "(3)") {
		t.Errorf("next heading = %q, want (3)", got)
	}
	if got := evalJS[string](t, ctx, `document.querySelector(".pv-preview .demo-placeholder")?.textContent || ""`); !strings.Contains(got, "Live demo") {
		t.Errorf("preview of slide 3 has placeholder %q, want the demo shown inert", got)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll(".pv-preview .demo, .pv-preview aside.notes").length`); n != 0 {
		t.Errorf("preview has %d live demos or notes, want none", n)
	}
	within(t, ctx, 10*time.Second, "press space", chromedp.KeyEvent(" "))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "3" && location.hash === "#3"`)
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(".pv-notes-body").textContent.includes(%q)`, notesMarker+" three"))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, fig1Selector))
	within(t, ctx, 10*time.Second, "press End", chromedp.KeyEvent(kb.End))
	waitJS(t, ctx, 10*time.Second, `document.querySelector(".pv-preview").textContent.includes("End of the talk")`)
	within(t, ctx, 10*time.Second, "press Home", chromedp.KeyEvent(kb.Home))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "1"`)

	waitJS(t, ctx, 10*time.Second, `/^\d\d:\d\d:\d\d$/.test(document.querySelector(".pv-clock").textContent)`)
	// A start an hour ago shows 1:00:0x; Reset brings it back to 0:00:0x.
	within(t, ctx, 10*time.Second, "age the timer", chromedp.Evaluate[chromedp.Void](
		`sessionStorage.setItem("balamp-presenter-start", String(Date.now() - 3600e3))`), chromedp.Reload())
	waitJS(t, ctx, 10*time.Second, `document.querySelector(".pv-elapsed").textContent.startsWith("1:00:")`)
	within(t, ctx, 10*time.Second, "reset", chromedp.Click(chromedp.CSS(".pv-reset")))
	waitJS(t, ctx, 10*time.Second, `document.querySelector(".pv-elapsed").textContent.startsWith("0:00:")`)
	within(t, ctx, 10*time.Second, "go to slide 3", chromedp.Evaluate[chromedp.Void](`location.hash = "#3"`))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q).dataset.state === "ready"`, fig1Selector))
	saveScreenshot(t, ctx, "presenter-view-testdata-1280x800")
}

// TestBrowserReplay replays a recording cut short: the page follows it,
// its replay bar says where the recording stops, and pause, seek and
// "follow" work from the bar.
func TestBrowserReplay(t *testing.T) {
	id, slide := findWidget(t, "twopop")
	file := filepath.Join(t.TempDir(), "cut.jsonl")
	lines := []string{
		`{"balamp":"recording","version":1,"start":"2025-01-31T10:00:00Z"}`,
		`{"t":0,"type":"slide","talk":"lecture.slide","slide":2}`,
		`{"t":300,"type":"slide","talk":"lecture.slide","slide":` + fmt.Sprint(slide) + `}`,
		`{"t":400,"type":"params","talk":"lecture.slide","widget":"` + id + `","demo":"twopop","params":{"w":3}}`,
		`{"t":90000,"type":"slide","talk":"lecture.slide","slide":2}`,
		`{"t":95000,"type":"sli`,
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "-replay", file)
	ctx := newBrowser(t, 1280, 800)
	within(t, ctx, 30*time.Second, "open the talk", chromedp.Navigate(srv.URL))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.body.dataset.slide === "%d"`, slide))
	waitJS(t, ctx, 10*time.Second, fmt.Sprintf(`document.querySelector(%q + ' output[data-readout="wFF"]')?.textContent === "6.300"`, fig1Selector))
	waitJS(t, ctx, 10*time.Second, `document.querySelector(".replay-bar .replay-stopped").textContent.includes("line 6")`)
	if got := evalJS[string](t, ctx, `document.querySelector(".replay-bar .replay-play").getAttribute("aria-label")`); got != "Pause the replay" {
		t.Errorf("play button label %q while playing", got)
	}
	saveScreenshot(t, ctx, "replay-1280x800")
	within(t, ctx, 10*time.Second, "pause", chromedp.Click(chromedp.CSS(".replay-bar .replay-play")))
	waitJS(t, ctx, 10*time.Second, `window.balamp.room.replay.playing === false && document.querySelector(".replay-bar .replay-play").getAttribute("aria-label") === "Play the replay"`)
	// Seek to the end: the last good event (slide 2) applies.
	within(t, ctx, 10*time.Second, "seek", chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.querySelector(".replay-bar .replay-seek"); s.value = s.max; s.dispatchEvent(new Event("change")); })()`))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "2"`)
	// Exploring alone: keys move this page only.
	within(t, ctx, 10*time.Second, "untick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	within(t, ctx, 10*time.Second, "press →", chromedp.KeyEvent(kb.ArrowRight))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "3"`)
	within(t, ctx, 10*time.Second, "tick follow", chromedp.Click(chromedp.CSS(".deck-nav .follow input")))
	waitJS(t, ctx, 10*time.Second, `document.body.dataset.slide === "2"`)
}

package demos

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"balamp/sim"
)

// spatialRun validates raw against the spatial spec, runs d and returns
// every frame it emitted (a ready frame ends a paused Run).
func spatialRun(t testing.TB, d *Spatial, raw map[string]any) []*Frame {
	t.Helper()
	p, err := d.Spec().Validate(raw, nil)
	if err != nil {
		t.Fatalf("Validate(%v): %v", raw, err)
	}
	var frames []*Frame
	if err := d.Run(context.Background(), p, func(f *Frame) error { frames = append(frames, f); return nil }); err != nil {
		t.Fatalf("Run(%v): %v", raw, err)
	}
	if len(frames) == 0 {
		t.Fatalf("Run(%v) emitted nothing", raw)
	}
	return frames
}

// lastReady returns the last frame, which must be ready, decoded as the
// browser receives it.
func lastReady(t testing.TB, frames []*Frame) (*Frame, *FrameHeader, map[string][]float32) {
	t.Helper()
	f := frames[len(frames)-1]
	buf, err := EncodeFrame("w1", 1, f)
	if err != nil {
		t.Fatalf("EncodeFrame: %v", err)
	}
	h, arrays, err := DecodeFrame(buf)
	if err != nil {
		t.Fatalf("DecodeFrame: %v", err)
	}
	if h.State != StateReady {
		t.Fatalf("last frame state %q (%s), want ready", h.State, h.Message)
	}
	return f, h, arrays
}

func readoutFloat(t testing.TB, h *FrameHeader, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(h.Readouts[name], 64)
	if err != nil {
		t.Fatalf("readout %s = %q: %v", name, h.Readouts[name], err)
	}
	return v
}

func TestSpatialSpec(t *testing.T) {
	s := NewSpatial().Spec()
	for _, name := range []string{"wFF", "mu", "mapProjection", "tauMode", "tauHebbian", "ratioExact", "ratioSim", "corr"} {
		if !slices.ContainsFunc(s.Readouts, func(r Readout) bool { return r.Name == name }) {
			t.Errorf("spatial spec lacks readout %q", name)
		}
	}
	for _, name := range []string{"default", "short", "noori", "fine"} {
		if _, ok := s.PresetByName(name); !ok {
			t.Errorf("spatial spec lacks preset %q", name)
		}
	}
	d := s.Defaults()
	want := Params{"n": 32, "w": 30.0 / 7, "kI": 1.1, "sigma": 8, "kappa": 2, "noise": 1, "mode": 2, "play": 0, "seed": 1, "speed": 0.1, "show": spatialShowModes}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("default %s = %v, want %v", k, d[k], v)
		}
	}
	n, _ := s.Param("n")
	if got := n.Options[1].Label; got != "32×32 (2\u202f048 units)" {
		t.Errorf("grid option label = %q, want 32×32 (2 048 units)", got)
	}
	if play, _ := s.Param("play"); play.Kind != KindToggle {
		t.Errorf("play kind = %q, want %q", play.Kind, KindToggle)
	}
}

// TestSpatialFrame checks the default frame (shapes, finiteness, the
// readouts against sim) and the σ_d = 3 geometry whose second mode is no
// longer a map.
func TestSpatialFrame(t *testing.T) {
	d := NewSpatial()
	f, h, arrays := lastReady(t, spatialRun(t, d, map[string]any{}))
	checkFinite(t, f, h)
	for name, size := range map[string]int{"theta": 1024, "evoked": 1024, "mode": 1024, "wFF": 8, "mapProj": 8, "mu": 8, "varE": 8, "pulseT": spatialPulseN} {
		if len(arrays[name]) != size {
			t.Errorf("array %s has %d values, want %d", name, len(arrays[name]), size)
		}
	}
	m, err := sim.ComputeSpatialModes(context.Background(), sim.SpatialGeometry{N: 32, Kappa: 2}, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := m.Readouts(30.0/7, 1.1)
	ratio, _, _ := m.MapRandomVarianceRatio(30.0/7, 1.1)
	for name, want := range map[string]string{
		"wFF": FormatNumber(ro[1].WFF, 3), "mu": FormatNumber(ro[1].Mu, 3), "mapProjection": FormatNumber(ro[1].MapProjection, 3),
		"tauMode": FormatNumber(ro[1].CorrelationTime, 2), "tauHebbian": FormatNumber(ro[1].HebbianCorrelationTime, 2),
		"ratioExact": FormatNumber(ratio, 2), "ratioSim": "—", "corr": "—",
	} {
		if got := h.Readouts[name]; got != want {
			t.Errorf("default readout %s = %q, want %q", name, got, want)
		}
	}
	if p := readoutFloat(t, h, "mapProjection"); p < 0.99 {
		t.Errorf("mode 2 map projection at the defaults = %v, want ≥ 0.99", p)
	}
	// The spectrum is w_FF,k = w μ_k (1 + kI), descending.
	for k, v := range arrays["wFF"] {
		if want := 30.0 / 7 * float64(arrays["mu"][k]) * 2.1; math.Abs(float64(v)-want) > 1e-5*want {
			t.Errorf("wFF[%d] = %v, want w μ_k (1 + kI) = %v", k, v, want)
		}
	}
	// Mode k's pulse: δ decays as e^{−t}, σ peaks above it.
	meta := f.Meta.(*spatialMeta)
	if pl := meta.Pulse; math.Abs(pl.Delta-math.Exp(-pl.T)) > 1e-12 || !(pl.Sigma > 1) || math.Abs(pl.RE-pl.RI-pl.Delta) > 1e-12 {
		t.Errorf("pulse at the sum's peak = %+v, want δ = e^{−t}, σ > 1, rE − rI = δ", pl)
	}

	_, h3, _ := lastReady(t, spatialRun(t, d, map[string]any{"sigma": 3.0}))
	if p := readoutFloat(t, h3, "mapProjection"); p >= 0.5 {
		t.Errorf("mode 2 map projection at σ_d = 3 = %v, want < 0.5", p)
	}
}

// TestSpatialModesReused counts eigendecompositions: w, kI, noise, mode,
// speed and seed reuse the modes; σ_d and κ recompute them; the evoked map
// is recomputed only for new (w, kI).
func TestSpatialModesReused(t *testing.T) {
	d := NewSpatial()
	steps := []struct {
		raw           map[string]any
		modes, evoked int64
	}{
		{map[string]any{}, 1, 1},
		{map[string]any{"w": 2.0}, 1, 2},
		{map[string]any{"kI": 1.5}, 1, 3},
		{map[string]any{"noise": 2.0}, 1, 3},
		{map[string]any{"mode": 5.0}, 1, 3},
		{map[string]any{"speed": 1.0, "seed": 7.0}, 1, 3},
		{map[string]any{"w": 2.0}, 1, 3}, // cached
		{map[string]any{"sigma": 4.0}, 2, 4},
		{map[string]any{"kappa": 1.0}, 3, 5},
		{map[string]any{}, 3, 5}, // both cached
	}
	for i, s := range steps {
		frames := spatialRun(t, d, s.raw)
		lastReady(t, frames)
		if got := d.modes.computed.Load(); got != s.modes {
			t.Errorf("step %d %v: %d mode computations, want %d", i, s.raw, got, s.modes)
		}
		if got := d.evoked.computed.Load(); got != s.evoked {
			t.Errorf("step %d %v: %d evoked-map computations, want %d", i, s.raw, got, s.evoked)
		}
	}
}

// TestSpatialSingleFlight runs many followers of one new geometry at once:
// the modes are computed once and every Run gets the same frame.
func TestSpatialSingleFlight(t *testing.T) {
	d := NewSpatial()
	p, err := d.Spec().Validate(map[string]any{"n": 64.0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const followers = 24
	var wg sync.WaitGroup
	got := make([]string, followers)
	for i := range followers {
		wg.Go(func() {
			var last *Frame
			if err := d.Run(context.Background(), p, func(f *Frame) error { last = f; return nil }); err != nil {
				t.Errorf("follower %d: %v", i, err)
				return
			}
			got[i] = fmt.Sprint(last.State, last.Readouts)
		})
	}
	wg.Wait()
	if n := d.modes.computed.Load(); n != 1 {
		t.Errorf("%d followers: %d mode computations, want 1", followers, n)
	}
	for i := range got {
		if got[i] != got[0] {
			t.Errorf("follower %d got %s, follower 0 %s", i, got[i], got[0])
		}
	}
}

// TestSpatialProgress: an uncached geometry gives progress frames with
// non-decreasing fractions in [0, 1], then one ready frame; the same
// geometry again gives the ready frame alone.
func TestSpatialProgress(t *testing.T) {
	d := NewSpatial()
	d.progressEvery = time.Millisecond
	frames := spatialRun(t, d, map[string]any{"n": 64.0})
	lastReady(t, frames)
	if len(frames) < 2 {
		t.Fatalf("uncached 64×64 geometry: %d frames, want progress frames before the ready one", len(frames))
	}
	prev := 0.0
	for i, f := range frames[:len(frames)-1] {
		if f.State != StateProgress || f.Progress < prev || f.Progress > 1 || len(f.Arrays) != 0 {
			t.Errorf("frame %d: state %q, progress %v (previous %v), %d arrays; want progress frames, non-decreasing in [0, 1], without arrays",
				i, f.State, f.Progress, prev, len(f.Arrays))
		}
		prev = f.Progress
	}
	if again := spatialRun(t, d, map[string]any{"n": 64.0, "w": 3.0}); len(again) != 1 {
		t.Errorf("cached geometry: %d frames, want 1", len(again))
	}
}

// TestSpatialUnstable: kI ≥ 1 keeps every mode stable over the whole w
// range; below, a growing top mode gives an unstable frame without arrays,
// whatever the geometry.
func TestSpatialUnstable(t *testing.T) {
	d := NewSpatial()
	for _, c := range []struct{ w, kI float64 }{{0, 1}, {8, 1}, {8, 3}, {0, 3}, {30.0 / 7, 1.1}} {
		f, h, _ := lastReady(t, spatialRun(t, d, map[string]any{"w": c.w, "kI": c.kI}))
		checkFinite(t, f, h)
	}
	p := d.Spec().Defaults()
	p["w"], p["kI"] = 8, 0.5 // 1 + w(kI − 1) = −3: below what Validate lets through
	var frames []*Frame
	if err := d.Run(context.Background(), p, func(f *Frame) error { frames = append(frames, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(frames) != 1 || frames[0].State != StateUnstable || len(frames[0].Arrays) != 0 {
		t.Fatalf("w = 8, kI = 0.5: %d frames, first %+v; want one unstable frame without arrays", len(frames), frames[0])
	}
	if d.modes.computed.Load() != 1 {
		t.Errorf("an unstable parameter set computed modes")
	}
}

// fakeClock is a movie frame clock driven by the test.
type fakeClock struct {
	ticks    chan time.Time
	interval time.Duration
}

func withFakeClock(d *Spatial) *fakeClock {
	c := &fakeClock{ticks: make(chan time.Time)}
	d.ticker = func(dt time.Duration) (<-chan time.Time, func()) { c.interval = dt; return c.ticks, func() {} }
	return c
}

// playFrames runs a playing movie for `ticks` ticks of a fake clock and
// returns its movie frames (ticks + 1: the first is sent at once), after
// any progress frames.
func playFrames(t *testing.T, d *Spatial, raw map[string]any, ticks int) []*Frame {
	t.Helper()
	clock := withFakeClock(d)
	raw["play"] = 1.0
	p, err := d.Spec().Validate(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	frames := make(chan *Frame, ticks+2)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, p, func(f *Frame) error { frames <- f; return nil }) }()
	var out []*Frame
	for len(out) < ticks+1 {
		select {
		case f := <-frames:
			if f.State == StateProgress {
				continue
			}
			out = append(out, f)
			if len(out) <= ticks {
				clock.ticks <- time.Now()
			}
		case err := <-done:
			t.Fatalf("Run ended early: %v", err)
		}
	}
	if clock.interval != time.Second/spatialFPS {
		t.Errorf("frame clock interval %v, want %v", clock.interval, time.Second/spatialFPS)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled movie returned %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("movie did not stop within 2 s of cancellation")
	}
	return out
}

// TestSpatialMovie: one frame per tick, each a ready frame with rE and rI,
// the running ratio and the correlation as numbers, the static arrays in
// the first frame only; a cancelled movie is parked and the next Run
// continues it in model time.
func TestSpatialMovie(t *testing.T) {
	d := NewSpatial()
	frames := playFrames(t, d, map[string]any{}, 5)
	for i, f := range frames {
		buf, err := EncodeFrame("w", 1, f)
		if err != nil {
			t.Fatal(err)
		}
		h, arrays, err := DecodeFrame(buf)
		if err != nil {
			t.Fatal(err)
		}
		checkFinite(t, f, h)
		if len(arrays["rE"]) != 1024 || len(arrays["rI"]) != 1024 {
			t.Errorf("frame %d: rE, rI of %d, %d values, want 1024", i, len(arrays["rE"]), len(arrays["rI"]))
		}
		if _, hasTheta := arrays["theta"]; hasTheta != (i == 0) {
			t.Errorf("frame %d: static arrays present = %v, want only in the first", i, hasTheta)
		}
		if r := readoutFloat(t, h, "ratioSim"); !(r > 0) {
			t.Errorf("frame %d: ratioSim = %v, want > 0", i, r)
		}
		if c := readoutFloat(t, h, "corr"); !(c >= -1 && c <= 1) {
			t.Errorf("frame %d: corr = %v, want in [−1, 1]", i, c)
		}
		m := f.Meta.(*spatialMeta)
		if want := 0.1 * float64(i+1); math.Abs(m.T-want) > 1e-9 || len(arrays["histT"]) != i+1 {
			t.Errorf("frame %d: t = %v τ with %d history points, want %v τ and %d", i, m.T, len(arrays["histT"]), want, i+1)
		}
	}
	if d.movies.count() != 1 {
		t.Fatalf("%d movies parked after cancellation, want 1", d.movies.count())
	}
	// A w change while playing: the next Run continues the same movie.
	next := playFrames(t, d, map[string]any{"w": 2.0}, 0)
	if m := next[0].Meta.(*spatialMeta); math.Abs(m.T-0.7) > 1e-9 || m.Steps != 1 {
		t.Errorf("continued movie: t = %v τ, %d steps in the ratio; want 0.7 τ (6 frames + 1) and 1 (stats restart with w)", m.T, m.Steps)
	}
	// Showing the top modes only changes no parameter of the network: the
	// movie and its statistics go on.
	only := playFrames(t, d, map[string]any{"w": 2.0, "show": float64(spatialShowModes)}, 0)
	if m := only[0].Meta.(*spatialMeta); math.Abs(m.T-0.8) > 1e-9 || m.Steps != 2 || !m.MovieModes {
		t.Errorf("top modes only: t = %v τ, %d steps, modes only = %v; want 0.8 τ, 2, true", m.T, m.Steps, m.MovieModes)
	}
	// Another seed is another movie.
	if m := playFrames(t, d, map[string]any{"seed": 2.0}, 0)[0].Meta.(*spatialMeta); math.Abs(m.T-0.1) > 1e-9 {
		t.Errorf("seed 2: t = %v τ, want a new movie at 0.1 τ", m.T)
	}
}

// TestSpatialMovieDeterministic: the same seed gives the same movie (a
// recorded lecture replays it), another seed another one.
func TestSpatialMovieDeterministic(t *testing.T) {
	a := playFrames(t, NewSpatial(), map[string]any{"seed": 42.0}, 4)
	b := playFrames(t, NewSpatial(), map[string]any{"seed": 42.0}, 4)
	c := playFrames(t, NewSpatial(), map[string]any{"seed": 43.0}, 4)
	movie := func(f *Frame) []float32 {
		for _, a := range f.Arrays {
			if a.Name == "rE" {
				return a.Data
			}
		}
		t.Fatal("no rE array")
		return nil
	}
	for i := range a {
		if !slices.Equal(movie(a[i]), movie(b[i])) || a[i].Readouts["ratioSim"] != b[i].Readouts["ratioSim"] {
			t.Errorf("frame %d differs between two runs of seed 42", i)
		}
		if slices.Equal(movie(a[i]), movie(c[i])) {
			t.Errorf("frame %d equal for seeds 42 and 43", i)
		}
	}
}

// TestSpatialMoviePace plays the movie on the real clock: about spatialFPS
// frames per second, and a prompt stop on cancellation.
func TestSpatialMoviePace(t *testing.T) {
	d := NewSpatial()
	p, _ := d.Spec().Validate(map[string]any{"play": 1.0}, nil)
	lastReady(t, spatialRun(t, d, map[string]any{})) // modes cached: time only the movie
	const span = 600 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), span)
	defer cancel()
	frames := 0
	start := time.Now()
	err := d.Run(ctx, p, func(*Frame) error { frames++; return nil })
	stopped := time.Since(start) - span
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run = %v, want the deadline", err)
	}
	// The ticker cannot run ahead (≤ 1 + 30·0.6 = 19 frames); a loaded
	// machine under -race may drop ticks, but not half of them.
	if want := int(spatialFPS * span.Seconds()); frames > want+1 || frames < want/2 {
		t.Errorf("%d frames in %v, want about %d", frames, span, want)
	}
	if stopped > 200*time.Millisecond {
		t.Errorf("movie stopped %v after its context ended, want promptly", stopped)
	}
}

// TestSpatialMovieLargeGrid: above 64×64 the movie streams block means.
func TestSpatialMovieLargeGrid(t *testing.T) {
	if testing.Short() {
		t.Skip("128×128 modes take about a second")
	}
	f := playFrames(t, NewSpatial(), map[string]any{"n": 128.0}, 0)[0]
	m := f.Meta.(*spatialMeta)
	for _, a := range f.Arrays {
		if a.Name == "rE" && (len(a.Data) != 64*64 || m.MovieN != 64 || m.MovieBlock != 2) {
			t.Errorf("128×128 movie: %d values, side %d, block %d; want 64×64 means of 2×2", len(a.Data), m.MovieN, m.MovieBlock)
		}
	}
}

func TestBlockMean(t *testing.T) {
	img := []float32{1, 3, 5, 7, 2, 2, 6, 6, 0, 0, 1, 1, 4, 4, 1, 1}
	if got, want := blockMean(img, 4, 2), []float32{2, 6, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("blockMean = %v, want %v", got, want)
	}
}

// TestFlightCacheCancel: when every waiter leaves, the computation is
// cancelled and forgotten; the next request computes afresh.
func TestFlightCacheCancel(t *testing.T) {
	c := newFlightCache[int, int](2)
	started := make(chan struct{})
	slow := func(ctx context.Context, _ func(float64)) (int, error) {
		close(started)
		<-ctx.Done()
		return 0, ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := c.get(ctx, 1, 0, nil, slow); done <- err }()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("get after cancel = %v, want context.Canceled", err)
	}
	v, err := c.get(context.Background(), 1, 0, nil, func(context.Context, func(float64)) (int, error) { return 7, nil })
	if v != 7 || err != nil || c.computed.Load() != 2 {
		t.Errorf("get after a cancelled flight = %v, %v with %d computations, want 7, nil, 2", v, err, c.computed.Load())
	}
	for k := 2; k <= 4; k++ { // evicts 1, the least recently used
		c.get(context.Background(), k, 0, nil, func(context.Context, func(float64)) (int, error) { return k, nil })
	}
	c.mu.Lock()
	_, has1 := c.entries[1]
	size := len(c.entries)
	c.mu.Unlock()
	if has1 || size != 2 {
		t.Errorf("after 4 keys in an LRU of 2: has key 1 = %v, size %d; want false, 2", has1, size)
	}
}

// benchRun runs d once with p and returns when the first ready frame is
// encoded (what the socket sends).
func benchRun(b *testing.B, d *Spatial, p Params) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := d.Run(ctx, p, func(f *Frame) error {
		if _, err := EncodeFrame("w", 1, f); err != nil {
			return err
		}
		if f.State == StateReady {
			cancel()
		}
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		b.Fatal(err)
	}
}

// BenchmarkSpatialParamChange is a w change with the modes cached: a full
// Run to its first ready frame, encoded (readouts, exact ratio, evoked map
// by CG — new at every w — and the frame).
func BenchmarkSpatialParamChange(b *testing.B) {
	for _, n := range []float64{32, 64} {
		b.Run(fmt.Sprintf("n=%v", n), func(b *testing.B) {
			d := NewSpatial()
			p, _ := d.Spec().Validate(map[string]any{"n": n}, nil)
			benchRun(b, d, p)
			i := 0
			for b.Loop() {
				p["w"] = 1 + float64(i%4000)*0.001 // a new w every time: no evoked-map cache hit
				i++
				benchRun(b, d, p)
			}
		})
	}
}

// BenchmarkSpatialModeChange is a change of the selected mode or the noise:
// modes and evoked map cached, a full Run to its ready frame, encoded.
func BenchmarkSpatialModeChange(b *testing.B) {
	for _, n := range []float64{32, 64} {
		b.Run(fmt.Sprintf("n=%v", n), func(b *testing.B) {
			d := NewSpatial()
			p, _ := d.Spec().Validate(map[string]any{"n": n}, nil)
			benchRun(b, d, p)
			i := 0
			for b.Loop() {
				p["mode"] = float64(1 + i%spatialModes)
				p["noise"] = 1 + float64(i%100)*0.01
				i++
				benchRun(b, d, p)
			}
		})
	}
}

// BenchmarkSpatialGeometryChange is a σ_d change: the modes of a new
// geometry (never cached), then the ready frame.
func BenchmarkSpatialGeometryChange(b *testing.B) {
	for _, n := range []float64{32, 64} {
		b.Run(fmt.Sprintf("n=%v", n), func(b *testing.B) {
			d := NewSpatial()
			p, _ := d.Spec().Validate(map[string]any{"n": n}, nil)
			i := 0
			for b.Loop() {
				p["sigma"] = 6 + float64(i%400)*0.01
				i++
				benchRun(b, d, p)
			}
		})
	}
}

// BenchmarkSpatialMovieFrame is one streamed movie frame at 64×64: a step
// of the activity, rE and rI, the correlation with the evoked map, the
// statistics and history, and the binary encoding.
func BenchmarkSpatialMovieFrame(b *testing.B) {
	d := NewSpatial()
	p, _ := d.Spec().Validate(map[string]any{"n": 64.0}, nil)
	sp, err := decodeSpatial(p)
	if err != nil {
		b.Fatal(err)
	}
	g, err := d.geometry(context.Background(), sp, func(*Frame) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	static, err := d.staticFrame(context.Background(), g, sp)
	if err != nil {
		b.Fatal(err)
	}
	ev, _ := d.evokedMap(context.Background(), g, sp)
	mv, err := d.startMovie(g, sp)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		f := mv.frame(static, ev.p, i%spatialFullEvery == 0, false)
		i++
		if _, err := EncodeFrame("w", 1, f); err != nil {
			b.Fatal(err)
		}
	}
}

package demos

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"balamp/sim"
)

// Fig 3 of Murphy & Miller (2009) at scale: the n×n torus of E/I sites of
// SCIENCE.md §4 (sim.SpatialModes). W_E = w·K, W_I = kI·w·K share the
// eigenvectors v_k of the normalised kernel K, so each mode is a Fig 1
// circuit with w_FF,k = w μ_k (1 + kI) and w₊,k = w μ_k (kI − 1).
//
// The eigendecomposition depends only on the geometry (n, σ_d, κ); Spatial
// keeps the modes of the last few geometries in an LRU shared by every
// connection (single flight: 300 followers asking for a new σ_d cost one
// computation) and reports its progress. Changing w, kI, the noise, the
// mode, the speed or the seed never recomputes modes; the evoked map (a CG
// solve) is cached per (geometry, w, kI).
//
// With play = 1 Run streams spontaneous activity (sim.SpatialActivity:
// exact Ornstein–Uhlenbeck steps of the top modes plus the W = 0
// complement) at spatialFPS frames per second, paced by a ticker, until it
// is cancelled: each frame is one exact step of `speed` τ of model time
// (default 0.1 τ, i.e. 3 τ of model time per second of movie). A cancelled
// movie is parked (spatialMovies) and continued by the next Run of the same
// geometry and seed, so slider moves of w, kI or the noise keep the movie
// continuous; a movie started afresh is a function of its seed alone, so a
// recorded lecture replays it. Frames carry r_E and r_I at up to
// spatialMovieMaxN sites per side (n = 96, 128 stream 2×2 block means: 32
// KiB per image instead of 64), the static arrays only in the first frame
// and once a second after it.

// Limits and defaults of the spatial demo.
const (
	spatialModes     = sim.SpatialDefaultModes // modes computed per geometry (the mode selector's range)
	spatialRefN      = 32                      // σ_d is given in sites of this grid (the same 4 mm patch at every n)
	spatialFPS       = 30                      // movie frames per second
	spatialMovieMaxN = 64                      // larger grids stream 2×2 block means (≤ 32 KiB per image)
	spatialFullEvery = spatialFPS              // every second a movie frame repeats the static arrays
	spatialPulseTEnd = 5.0                     // τ: window of mode k's pulse response
	spatialPulseN    = 101                     // samples of it
	spatialGeomLRU   = 6                       // geometries whose modes are kept (≈ 1.5 MB each at n = 128)
	spatialEvokedLRU = 64                      // evoked maps kept
)

// Values of the show select: what the movie's images hold.
const (
	spatialShowAll   = 0 // all activity: the top modes and the W = 0 complement (sim.SpatialActivity.Frame)
	spatialShowModes = 1 // the amplified part only: the top modes (FrameModes)
)

// spatialGridSizes are the grid sizes offered (sites per side).
var spatialGridSizes = [...]int{16, 32, 48, 64, 96, 128}

// spatialSpeeds are the movie speeds offered, τ of model time per frame.
var spatialSpeeds = [...]float64{0.05, 0.1, 0.3, 1}

// Spatial is the Fig 3 demo. It is safe for concurrent use by many
// connections; its caches are its only state.
type Spatial struct {
	spec   Spec
	modes  *flightCache[spatialGeomKey, *spatialGeom]
	evoked *flightCache[spatialEvokedKey, *spatialEvoked]
	movies *spatialMovies
	solves chan struct{} // one eigensolve at a time, server-wide

	// Seams for tests: how often progress frames are sent while modes are
	// computed, and the movie's frame clock.
	progressEvery time.Duration
	ticker        func(d time.Duration) (<-chan time.Time, func())
}

// spatialGeomKey identifies a geometry: sites per side, σ_d in sites, κ.
type spatialGeomKey struct {
	n             int
	sigmaD, kappa float64
}

// spatialEvokedKey identifies an evoked map.
type spatialEvokedKey struct {
	geom  spatialGeomKey
	w, kI float64
}

// spatialGeom is the cached result of a geometry: the modes and what the
// frames send of them, converted once.
type spatialGeom struct {
	modes    *sim.SpatialModes
	thetaDeg Array   // preferred orientation, degrees, [n, n]
	vectors  []Array // v_k, [n, n]
}

// spatialEvoked is the cached evoked map p_0.
type spatialEvoked struct {
	image Array // [n, n]
	p     []float64
}

// NewSpatial returns the Fig 3 demo.
func NewSpatial() *Spatial {
	var grid []Option
	for _, n := range spatialGridSizes {
		grid = append(grid, Option{Value: float64(n), Label: fmt.Sprintf("%d×%d (%s units)", n, n, groupDigits(2*n*n))})
	}
	var modes []Option
	for k := 1; k <= spatialModes; k++ {
		modes = append(modes, Option{Value: float64(k), Label: fmt.Sprintf("mode %d", k)})
	}
	speeds := make([]Option, len(spatialSpeeds))
	for i, s := range spatialSpeeds {
		speeds[i] = Option{Value: s, Label: fmt.Sprintf("%gτ per frame (%gτ/s)", s, s*spatialFPS)}
	}
	geom := func(n, sigma, kappa float64) map[string]float64 {
		return map[string]float64{"n": n, "sigma": sigma, "kappa": kappa}
	}
	def := geom(spatialRefN, 8, sim.SpatialDefaultKappa)
	def["w"], def["kI"] = sim.SpatialDefaultW, sim.SpatialDefaultKI
	return &Spatial{
		spec: Spec{
			ID:    "spatial",
			Title: "The spatial network: amplified modes and spontaneous activity",
			LookFor: "With broad, orientation-specific connections the most amplified modes (largest w_FF,k) are orientation maps; " +
				"press Play: noise alone gives activity that keeps passing through map-like states, yet fluctuates as fast as τ.",
			Equation: spatialEquation,
			Params: []Param{
				{Name: "play", Label: "Play the movie", Kind: KindToggle, Default: 0},
				{Name: "n", Label: "grid", Kind: KindSelect, Default: spatialRefN, Options: grid},
				{Name: "w", Label: "w (excitatory weight)", Kind: KindRange, Min: 0, Max: 8, Step: 0.01, Default: sim.SpatialDefaultW, Digits: 3},
				{Name: "kI", Label: "k<sub>I</sub> (inhibition / excitation)", Kind: KindRange, Min: 1, Max: 3, Step: 0.01, Default: sim.SpatialDefaultKI, Digits: 2},
				{Name: "sigma", Label: "σ<sub>d</sub> (width, sites of 32×32)", Kind: KindRange, Min: 1, Max: 16, Step: 0.5, Default: 8, Digits: 1},
				{Name: "kappa", Label: "κ (orientation specificity)", Kind: KindRange, Min: 0, Max: 8, Step: 0.1, Default: sim.SpatialDefaultKappa, Digits: 1},
				{Name: "mode", Label: "mode k", Kind: KindSelect, Default: 2, Options: modes},
				{Name: "noise", Label: "noise s", Kind: KindRange, Min: 0.1, Max: 3, Step: 0.05, Default: sim.SpatialDefaultNoise, Digits: 2},
				{Name: "speed", Label: "movie", Kind: KindSelect, Default: 0.1, Options: speeds},
				{Name: "show", Label: "shows", Kind: KindSelect, Default: spatialShowModes, Options: []Option{
					{Value: spatialShowAll, Label: "all activity"},
					{Value: spatialShowModes, Label: fmt.Sprintf("top %d modes only", spatialModes)},
				}},
				{Name: "seed", Label: "seed", Kind: KindRange, Min: 1, Max: 1000, Step: 1, Default: 1, Digits: 0},
			},
			Presets: []Preset{
				{Name: "default", Label: "Default", Values: def},
				{Name: "short", Label: "σd = 3", Values: geom(spatialRefN, 3, sim.SpatialDefaultKappa)},
				{Name: "noori", Label: "κ = 0", Values: geom(spatialRefN, 8, 0)},
				{Name: "fine", Label: "64×64", Values: geom(64, 8, sim.SpatialDefaultKappa)},
			},
			DefaultPreset: "default",
			Readouts: []Readout{
				{Name: "wFF", Label: "w<sub>FF,k</sub> (mode k)"},
				{Name: "mu", Label: "μ<sub>k</sub> (eigenvalue of K)"},
				{Name: "mapProjection", Label: "map projection"},
				{Name: "tauMode", Label: "τ<sub>corr</sub>, mode k", Unit: "τ"},
				{Name: "tauHebbian", Label: "τ<sub>corr</sub>, Hebbian (same gain)", Unit: "τ"},
				{Name: "ratioExact", Label: "map/random variance, exact", Unit: "×"},
				{Name: "ratioSim", Label: "… in the movie", Unit: "×"},
				{Name: "corr", Label: "corr(frame, evoked map)"},
			},
		},
		modes:         newFlightCache[spatialGeomKey, *spatialGeom](spatialGeomLRU),
		evoked:        newFlightCache[spatialEvokedKey, *spatialEvoked](spatialEvokedLRU),
		movies:        newSpatialMovies(),
		solves:        make(chan struct{}, 1),
		progressEvery: 40 * time.Millisecond,
		ticker: func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		},
	}
}

// groupDigits writes a count with thin spaces between groups of three
// digits: 2 048, 32 768.
func groupDigits(v int) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Spec implements Demo.
func (d *Spatial) Spec() *Spec { return &d.spec }

// spatialParams are the demo's parameters, decoded.
type spatialParams struct {
	geom          spatialGeomKey
	w, kI, noise  float64
	mode          int // 1-based
	speed         float64
	seed          uint64
	play          bool
	modesOnly     bool    // the movie shows the top modes only
	sigmaRefSites float64 // σ_d in sites of the 32×32 grid, as the slider shows it
}

// decodeSpatial checks p beyond what Spec.Validate guarantees, since Run may
// be called directly.
func decodeSpatial(p Params) (spatialParams, error) {
	n := int(p["n"])
	ok := false
	for _, g := range spatialGridSizes {
		ok = ok || g == n
	}
	if !ok || float64(n) != p["n"] {
		return spatialParams{}, fmt.Errorf("spatial: grid n = %v, want one of %v", p["n"], spatialGridSizes)
	}
	mode := int(p["mode"])
	if float64(mode) != p["mode"] || mode < 1 || mode > spatialModes {
		return spatialParams{}, fmt.Errorf("spatial: mode %v, want an integer 1…%d", p["mode"], spatialModes)
	}
	sp := spatialParams{
		geom:          spatialGeomKey{n: n, sigmaD: p["sigma"] * float64(n) / spatialRefN, kappa: p["kappa"]},
		w:             p["w"],
		kI:            p["kI"],
		noise:         p["noise"],
		mode:          mode,
		speed:         p["speed"],
		play:          p["play"] >= 0.5,
		modesOnly:     p["show"] == spatialShowModes,
		sigmaRefSites: p["sigma"],
	}
	if seed := p["seed"]; seed >= 0 && seed < 1<<53 && seed == math.Trunc(seed) {
		sp.seed = uint64(seed)
	} else {
		return spatialParams{}, fmt.Errorf("spatial: seed %v, want a non-negative integer", seed)
	}
	if !(sp.speed > 0) || sp.speed > 10 {
		return spatialParams{}, fmt.Errorf("spatial: speed %v τ per frame, want 0 < speed ≤ 10", sp.speed)
	}
	if !(sp.noise > 0) || math.IsInf(sp.noise, 0) {
		return spatialParams{}, fmt.Errorf("spatial: noise %v, want > 0", sp.noise)
	}
	return sp, nil
}

// spatialMeta is the small JSON the drawing needs besides the arrays.
type spatialMeta struct {
	N        int     `json:"n"`        // sites per side of the model
	SigmaD   float64 `json:"sigmaD"`   // Gaussian width, sites of this grid
	SigmaRef float64 `json:"sigmaRef"` // … in sites of the 32×32 grid
	Kappa    float64 `json:"kappa"`    //
	W        float64 `json:"w"`        //
	KI       float64 `json:"kI"`       //
	Mode     int     `json:"mode"`     // selected mode k, 1-based
	Krylov   int     `json:"krylov"`   // dimension of the eigensolver's Krylov space
	Residual float64 `json:"residual"` // max ‖K̄v − μv‖ over the modes
	Full     bool    `json:"full"`     // the frame carries the static arrays
	Play     bool    `json:"play"`     //
	Pulse    pulseAt `json:"pulse"`    // mode k's response to a δ pulse at the sum's peak
	RatioMap float64 `json:"ratioMap"` // exact map-vs-random ratio (idealised map cos 2θ)
	RatioErr float64 `json:"ratioErr"` // its error bound
	// The movie (Play only): side of the rE, rI images (≤ spatialMovieMaxN;
	// block means of MovieBlock² sites), model time (τ) and τ per frame,
	// frames in the running ratio.
	MovieN     int     `json:"movieN,omitempty"`
	MovieBlock int     `json:"movieBlock,omitempty"`
	MovieModes bool    `json:"movieModes,omitempty"` // the images hold the top modes only
	T          float64 `json:"t,omitempty"`
	DtFrame    float64 `json:"dtFrame,omitempty"`
	Steps      int     `json:"steps,omitempty"`
	Progress   float64 `json:"progress,omitempty"` // with StateProgress
}

// pulseAt is mode k's Fig 1 circuit after a difference-mode pulse
// δ(0) = 1 (r_E = +½ v_k, r_I = −½ v_k), at the time T (τ) of the sum's
// peak: the pattern of each quantity is v_k times its amplitude.
type pulseAt struct {
	T     float64 `json:"t"`
	Sigma float64 `json:"sigma"` // σ = r_E + r_I
	Delta float64 `json:"delta"` // δ = r_E − r_I = e^{−T}
	RE    float64 `json:"rE"`
	RI    float64 `json:"rI"`
}

// Run implements Demo: progress frames while the geometry's modes are
// computed (if they are not cached), then one ready frame; with play = 1,
// movie frames at spatialFPS until ctx ends.
func (d *Spatial) Run(ctx context.Context, p Params, emit func(*Frame) error) error {
	sp, err := decodeSpatial(p)
	if err != nil {
		return err
	}
	// 0 ≤ μ_k ≤ 1, so every mode is stable iff the top one is: 1 + w₊,1 > 0.
	if err := (sim.TwoPop{W: sp.w, KI: sp.kI}).Validate(); err != nil || sp.w < 0 || sp.kI < 0 {
		msg := fmt.Sprintf("w = %.3f, kI = %.2f: the top mode grows (1 + w(kI − 1) ≤ 0) or violates Dale's law: raise kI.", sp.w, sp.kI)
		return emit(Unstable(msg))
	}
	g, err := d.geometry(ctx, sp, emit)
	if err != nil {
		return err
	}
	f, err := d.staticFrame(ctx, g, sp)
	if err != nil {
		return err
	}
	if !sp.play || f.State != StateReady {
		return emit(f)
	}
	return d.play(ctx, g, sp, f, emit)
}

// geometry returns the modes of sp's geometry, from the cache or computed,
// emitting progress frames while it waits.
func (d *Spatial) geometry(ctx context.Context, sp spatialParams, emit func(*Frame) error) (*spatialGeom, error) {
	k := sp.geom
	progress := func(frac float64) error {
		return emit(&Frame{State: StateProgress, Progress: frac,
			Message: fmt.Sprintf("Computing the top %d modes of K for %d×%d, σ_d = %.1f, κ = %.1f: %d%%",
				spatialModes, k.n, k.n, sp.sigmaRefSites, k.kappa, int(math.Round(100*frac))),
			Meta: &spatialMeta{N: k.n, SigmaRef: sp.sigmaRefSites, Kappa: k.kappa, Progress: frac}})
	}
	return d.modes.get(ctx, k, d.progressEvery, progress, func(ctx context.Context, report func(float64)) (*spatialGeom, error) {
		// One eigensolve at a time for the whole server (they use every
		// core for 0.03–0.5 s): a page dragging σ_d at 128×128 queues its
		// own geometries, and light demos of other clients never wait.
		select {
		case d.solves <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		m, err := sim.ComputeSpatialModes(ctx, sim.SpatialGeometry{N: k.n, SigmaD: k.sigmaD, Kappa: k.kappa}, spatialModes, report)
		<-d.solves
		if err != nil {
			return nil, err
		}
		g := &spatialGeom{modes: m}
		deg := make([]float64, len(m.Theta))
		for i, t := range m.Theta {
			deg[i] = t * 180 / math.Pi
		}
		g.thetaDeg = toArray("theta", deg, k.n, k.n)
		for _, v := range m.Vectors {
			g.vectors = append(g.vectors, toArray("mode", v, k.n, k.n))
		}
		return g, nil
	})
}

// evokedMap returns the evoked map for φ = 0 at w, kI, cached.
func (d *Spatial) evokedMap(ctx context.Context, g *spatialGeom, sp spatialParams) (*spatialEvoked, error) {
	key := spatialEvokedKey{geom: sp.geom, w: sp.w, kI: sp.kI}
	return d.evoked.get(ctx, key, 0, nil, func(ctx context.Context, _ func(float64)) (*spatialEvoked, error) {
		p, err := g.modes.EvokedMap(ctx, 0, sp.w, sp.kI)
		if err != nil {
			return nil, err
		}
		n := sp.geom.n
		return &spatialEvoked{image: toArray("evoked", p, n, n), p: p}, nil
	})
}

// toArray converts data to a float32 frame array.
func toArray(name string, data []float64, shape ...int) Array {
	var f Frame
	f.Add(name, data, shape...)
	return f.Arrays[0]
}

// staticFrame computes the ready frame of sp: readouts, the maps, mode k,
// the spectrum and mode k's pulse response.
func (d *Spatial) staticFrame(ctx context.Context, g *spatialGeom, sp spatialParams) (*Frame, error) {
	m := g.modes
	ro, err := m.Readouts(sp.w, sp.kI)
	if err != nil {
		return Unstable(err.Error()), nil // unreachable after the stability check
	}
	ratio, ratioErr, err := m.MapRandomVarianceRatio(sp.w, sp.kI)
	if err != nil {
		return nil, fmt.Errorf("spatial: %w", err)
	}
	ev, err := d.evokedMap(ctx, g, sp)
	if err != nil {
		return nil, err
	}
	k := sp.mode - 1
	r := ro[k]
	f := &Frame{State: StateReady}
	f.Readout("wFF", r.WFF, 3)
	f.Readout("mu", r.Mu, 3)
	f.Readout("mapProjection", r.MapProjection, 3)
	f.Readout("tauMode", r.CorrelationTime, 2)
	f.Readout("tauHebbian", r.HebbianCorrelationTime, 2)
	f.Readout("ratioExact", ratio, 2)
	f.Readouts["ratioSim"] = "—"
	f.Readouts["corr"] = "—"

	// Mode k's Fig 1 circuit after a δ pulse, at the peak of its sum.
	circ := sim.TwoPop{W: sp.w * r.Mu, KI: sp.kI}
	tPeak, _ := circ.SumPeak(0.5, -0.5)
	if tPeak == 0 { // w_k = 0: nothing is amplified; show the pattern after one τ
		tPeak = 1
	}
	rE, rI := circ.Pulse(0.5, -0.5, tPeak)
	pt, ps, pd := make([]float64, spatialPulseN), make([]float64, spatialPulseN), make([]float64, spatialPulseN)
	for i := range pt {
		s := spatialPulseTEnd * float64(i) / (spatialPulseN - 1)
		e, in := circ.Pulse(0.5, -0.5, s)
		pt[i], ps[i], pd[i] = s, e+in, e-in
	}

	wff, proj, mu, varE := make([]float64, len(ro)), make([]float64, len(ro)), make([]float64, len(ro)), make([]float64, len(ro))
	for i, x := range ro {
		wff[i], proj[i], mu[i], varE[i] = x.WFF, x.MapProjection, x.Mu, x.VarianceE
	}
	f.Arrays = append(f.Arrays, g.thetaDeg, ev.image, g.vectors[k])
	f.Add("wFF", wff)
	f.Add("mapProj", proj)
	f.Add("mu", mu)
	f.Add("varE", varE)
	f.Add("pulseT", pt)
	f.Add("pulseSigma", ps)
	f.Add("pulseDelta", pd)
	maxRes := 0.0
	for _, x := range m.Residual {
		maxRes = math.Max(maxRes, x)
	}
	f.Meta = &spatialMeta{
		N: sp.geom.n, SigmaD: sp.geom.sigmaD, SigmaRef: sp.sigmaRefSites, Kappa: sp.geom.kappa,
		W: sp.w, KI: sp.kI, Mode: sp.mode, Krylov: m.KrylovDim, Residual: maxRes, Full: true,
		Pulse:    pulseAt{T: tPeak, Sigma: rE + rI, Delta: rE - rI, RE: rE, RI: rI},
		RatioMap: ratio, RatioErr: ratioErr,
	}
	return f, nil
}

// play streams the movie: the first frame carries the static arrays of f,
// then one frame per tick of the frame clock until ctx ends, when the
// movie is parked for the next Run of the same geometry and seed.
func (d *Spatial) play(ctx context.Context, g *spatialGeom, sp spatialParams, static *Frame, emit func(*Frame) error) error {
	ev, err := d.evokedMap(ctx, g, sp)
	if err != nil {
		return err
	}
	mv, err := d.startMovie(g, sp)
	if err != nil {
		return err
	}
	key := spatialMovieKey{geom: sp.geom, seed: sp.seed}
	defer d.movies.park(key, mv)
	tick, stop := d.ticker(time.Second / spatialFPS)
	defer stop()
	for i := 0; ; i++ {
		f := mv.frame(static, ev.p, i%spatialFullEvery == 0, sp.modesOnly)
		if err := emit(f); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick:
		}
	}
}

// startMovie continues a parked movie of the same geometry and seed with
// sp's w, kI, noise and speed (its running statistics restart if any of
// them changed), or starts one from the seed.
func (d *Spatial) startMovie(g *spatialGeom, sp spatialParams) (*spatialMovie, error) {
	want := [4]float64{sp.w, sp.kI, sp.noise, sp.speed}
	if mv := d.movies.take(spatialMovieKey{geom: sp.geom, seed: sp.seed}); mv != nil {
		if mv.params == want {
			return mv, nil
		}
		if err := mv.act.SetParams(sp.w, sp.kI, sp.noise, sp.speed); err == nil {
			mv.params = want
			return mv, nil
		}
	}
	act, err := sim.NewSpatialActivity(g.modes, sp.w, sp.kI, sp.noise, sp.seed, sp.speed)
	if err != nil {
		return nil, fmt.Errorf("spatial movie: %w", err)
	}
	return &spatialMovie{act: act, n: sp.geom.n, params: want}, nil
}

// frame advances the movie by one step (speed τ) and returns its frame:
// r_E and r_I (all activity: the top modes and the W = 0 complement; or,
// with modesOnly, the amplified top modes alone), at most spatialMovieMaxN
// per side, the correlation of r_E with the evoked
// map p, the running map-vs-random ratio and their recent history. With
// full, the static arrays of the ready frame come along (the first frame,
// and once a second for a client that lost it to frame coalescing).
func (mv *spatialMovie) frame(static *Frame, p []float64, full, modesOnly bool) *Frame {
	a := mv.act
	a.Step()
	N := mv.n * mv.n
	rE, rI := make([]float32, N), make([]float32, N)
	if modesOnly {
		a.FrameModes(rE, rI)
	} else {
		a.Frame(rE, rI)
	}
	corr := a.Correlation(p)
	st := a.Stats()
	mv.hist.add(a.T(), corr, st.MapRandomVarianceRatio)

	f := &Frame{State: StateReady, Readouts: make(map[string]string, len(static.Readouts))}
	for k, v := range static.Readouts {
		f.Readouts[k] = v
	}
	f.Readout("ratioSim", st.MapRandomVarianceRatio, 2)
	f.Readout("corr", corr, 2)
	if full {
		f.Arrays = append(f.Arrays, static.Arrays...)
	}
	side, block := mv.n, 1
	for side > spatialMovieMaxN {
		block++
		for mv.n%block != 0 {
			block++
		}
		side = mv.n / block
	}
	f.Arrays = append(f.Arrays,
		Array{Name: "rE", Shape: []int{side, side}, Data: blockMean(rE, mv.n, block)},
		Array{Name: "rI", Shape: []int{side, side}, Data: blockMean(rI, mv.n, block)})
	t, c, r := mv.hist.columns()
	f.Add("histT", t)
	f.Add("histCorr", c)
	f.Add("histRatio", r)
	meta := *static.Meta.(*spatialMeta)
	meta.Full, meta.Play = full, true
	meta.MovieN, meta.MovieBlock, meta.MovieModes = side, block, modesOnly
	meta.T, meta.DtFrame, meta.Steps = a.T(), mv.params[3], st.Steps
	f.Meta = &meta
	return f
}

// blockMean averages b×b blocks of an n×n image (b divides n).
func blockMean(img []float32, n, b int) []float32 {
	if b == 1 {
		return img
	}
	m := n / b
	out := make([]float32, m*m)
	scale := 1 / float32(b*b)
	for y := range n {
		row := out[(y/b)*m:]
		for x := range n {
			row[x/b] += img[y*n+x]
		}
	}
	for i := range out {
		out[i] *= scale
	}
	return out
}

// spatialEquation is the model of the demo in MathML.
const spatialEquation = `<math><msub><mi>W</mi><mi mathvariant="normal">E</mi></msub><mo>=</mo><mi>w</mi><mover><mi>K</mi><mo>‾</mo></mover><mo>,</mo><mspace width="0.5em"/><msub><mi>W</mi><mi mathvariant="normal">I</mi></msub><mo>=</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><mi>w</mi><mover><mi>K</mi><mo>‾</mo></mover><mo>:</mo><mspace width="0.5em"/><msub><mi>w</mi><mrow><mi mathvariant="normal">FF</mi><mo>,</mo><mi>k</mi></mrow></msub><mo>=</mo><mi>w</mi><msub><mi>μ</mi><mi>k</mi></msub><mo stretchy="false">(</mo><mn>1</mn><mo>+</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><mo stretchy="false">)</mo></math>`

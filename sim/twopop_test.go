package sim

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Parameter sets used across the two-population tests.
var (
	walkthroughPop = TwoPop{W: 4 * math.Sqrt(2.0/7), KI: 1.1} // SCIENCE §2 [W]
	paperPop       = TwoPop{W: 30.0 / 7, KI: 1.1}             // 4 2/7, exactly 4× [D]
)

// twoPopCases covers the presets, a strong circuit, w₊ = 0 exactly, w₊ just
// either side of 0, w₊ < 0 (kI < 1, still stable) and W = 0.
var twoPopCases = []struct {
	name string
	p    TwoPop
}{
	{"walkthrough", walkthroughPop},
	{"paper", paperPop},
	{"strong", TwoPop{W: 10, KI: 3}},
	{"wPlusZero", TwoPop{W: 2, KI: 1}},
	{"wPlusTinyPos", TwoPop{W: 2, KI: 1 + 1e-9}},
	{"wPlusTinyNeg", TwoPop{W: 2, KI: 1 - 1e-9}},
	{"wPlusNeg", TwoPop{W: 1, KI: 0.5}},
	{"zero", TwoPop{W: 0, KI: 1.1}},
}

// rk4TwoPop integrates dr/ds = (W − 1) r + I with the classical Runge–Kutta
// scheme from r0 over [0, sEnd] with step dt, like the walkthrough does.
func rk4TwoPop(p TwoPop, r0, in [2]float64, sEnd, dt float64) [2]float64 {
	w := p.Matrix()
	f := func(r [2]float64) [2]float64 {
		return [2]float64{
			-r[0] + w.At(0, 0)*r[0] + w.At(0, 1)*r[1] + in[0],
			-r[1] + w.At(1, 0)*r[0] + w.At(1, 1)*r[1] + in[1],
		}
	}
	add := func(r, k [2]float64, h float64) [2]float64 { return [2]float64{r[0] + h*k[0], r[1] + h*k[1]} }
	r := r0
	n := int(math.Round(sEnd / dt))
	for range n {
		k1 := f(r)
		k2 := f(add(r, k1, dt/2))
		k3 := f(add(r, k2, dt/2))
		k4 := f(add(r, k3, dt))
		for i := range r {
			r[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	return r
}

func TestTwoPopWalkthroughTable(t *testing.T) {
	// The walkthrough prints two decimals: half a unit in the last place.
	const tol2dp = 0.005
	tests := []struct{ s, rE, rI float64 }{
		{0, 1.00, 0.00},
		{0.4, 1.22, 0.55},
		{0.8, 1.16, 0.71},
		{1.5, 0.84, 0.61},
		{3.0, 0.29, 0.24},
	}
	for _, tt := range tests {
		rE, rI := walkthroughPop.Pulse(1, 0, tt.s)
		if math.Abs(rE-tt.rE) > tol2dp || math.Abs(rI-tt.rI) > tol2dp {
			t.Errorf("Pulse(1, 0, %v) = (%.4f, %.4f), want (%.2f, %.2f)", tt.s, rE, rI, tt.rE, tt.rI)
		}
	}
}

func TestTwoPopReadouts(t *testing.T) {
	// Readouts are printed to 3 dp; exact presets only suffer rounding of
	// 30/7 (a few ulps).
	const tol3dp = 0.0005
	const tolExact = 1e-12
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"walkthrough wFF", walkthroughPop.WFF(), 4.490, tol3dp},
		{"walkthrough wPlus", walkthroughPop.WPlus(), 0.214, tol3dp},
		{"walkthrough lambda", walkthroughPop.Lambda(), -0.214, tol3dp},
		{"paper wFF", paperPop.WFF(), 9, tolExact},
		{"paper wPlus", paperPop.WPlus(), 3.0 / 7, tolExact},
		{"paper drE/dIE", paperPop.Gain()[0][0], 4, tolExact},
		{"angle kI=1.1", walkthroughPop.EigenvectorAngle(), 45 - math.Atan(1/1.1)*180/math.Pi, tolExact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > tt.tol {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
	if a := walkthroughPop.EigenvectorAngle(); math.Abs(a-2.7) > 0.05 {
		t.Errorf("EigenvectorAngle() = %v°, want ≈ 2.7°", a)
	}
}

func TestTwoPopEigen(t *testing.T) {
	// Eigen-relations of a 2×2 with entries ≤ 30: rounding only.
	const tol = 1e-12
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.p.Matrix()
			e1, e2 := tc.p.Eigenvectors()
			for _, ev := range []struct {
				v   [2]float64
				lam float64
			}{{e1, 0}, {e2, tc.p.Lambda()}} {
				if n := math.Hypot(ev.v[0], ev.v[1]); math.Abs(n-1) > tol {
					t.Errorf("|eigenvector %v| = %v, want 1", ev.v, n)
				}
				for i := range 2 {
					got := w.At(i, 0)*ev.v[0] + w.At(i, 1)*ev.v[1]
					if math.Abs(got-ev.lam*ev.v[i]) > tol*30 {
						t.Errorf("(W v)[%d] = %v, want λ·v = %v", i, got, ev.lam*ev.v[i])
					}
				}
			}
			// Real Schur basis of SCIENCE §2: Uᵀ W U = [[−w₊, w_FF], [0, 0]].
			s := math.Sqrt2 / 2
			u := mat.NewDense(2, 2, []float64{s, s, s, -s})
			var tmp, tt mat.Dense
			tmp.Mul(u.T(), w)
			tt.Mul(&tmp, u)
			want := mat.NewDense(2, 2, []float64{-tc.p.WPlus(), tc.p.WFF(), 0, 0})
			if !mat.EqualApprox(&tt, want, tol*30) {
				t.Errorf("UᵀWU = %v, want %v", mat.Formatted(&tt), mat.Formatted(want))
			}
		})
	}
}

func TestTwoPopPulseStepVsExpmAndRK4(t *testing.T) {
	// Expm is accurate to ≈ 1e-15·‖A‖·s; rates here are ≤ ~10, so 1e-11
	// leaves room. RK4 with dt = 0.005 has global error ≈ C·dt⁴ ≈ 1e-9·C with
	// C growing like (1 + w₊)⁴·w_FF for the strong case: 1e-6 covers it.
	const tolExpm = 1e-11
	const tolRK4 = 1e-6
	const dt = 0.005
	const sEnd = 5
	inits := [][2]float64{{1, 0}, {0, 1}, {1, 1}, {0.3, -0.7}}
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.p.Matrix()
			a.Sub(a, measIdentity(2))
			for _, r0 := range inits {
				for _, s := range []float64{0, 0.4, 1.5, 3, sEnd} {
					rE, rI := tc.p.Pulse(r0[0], r0[1], s)
					e := Expm(a, s)
					wantE := e.At(0, 0)*r0[0] + e.At(0, 1)*r0[1]
					wantI := e.At(1, 0)*r0[0] + e.At(1, 1)*r0[1]
					if math.Abs(rE-wantE) > tolExpm || math.Abs(rI-wantI) > tolExpm {
						t.Errorf("Pulse(%v, %v) = (%v, %v), want expm (%v, %v)", r0, s, rE, rI, wantE, wantI)
					}
					// Step: r(s) = A⁻¹(e^{As} − 1) I.
					in := r0
					var em1, rs mat.Dense
					em1.Sub(e, measIdentity(2))
					if err := rs.Solve(a, &em1); err != nil {
						t.Fatalf("solve: %v", err)
					}
					sE := rs.At(0, 0)*in[0] + rs.At(0, 1)*in[1]
					sI := rs.At(1, 0)*in[0] + rs.At(1, 1)*in[1]
					gE, gI := tc.p.Step(in[0], in[1], s)
					if math.Abs(gE-sE) > tolExpm || math.Abs(gI-sI) > tolExpm {
						t.Errorf("Step(%v, %v) = (%v, %v), want expm (%v, %v)", in, s, gE, gI, sE, sI)
					}
				}
				rE, rI := tc.p.Pulse(r0[0], r0[1], sEnd)
				want := rk4TwoPop(tc.p, r0, [2]float64{}, sEnd, dt)
				if math.Abs(rE-want[0]) > tolRK4 || math.Abs(rI-want[1]) > tolRK4 {
					t.Errorf("Pulse(%v, %v) = (%v, %v), want RK4 %v", r0, sEnd, rE, rI, want)
				}
				sE, sI := tc.p.Step(r0[0], r0[1], sEnd)
				want = rk4TwoPop(tc.p, [2]float64{}, r0, sEnd, dt)
				if math.Abs(sE-want[0]) > tolRK4 || math.Abs(sI-want[1]) > tolRK4 {
					t.Errorf("Step(%v, %v) = (%v, %v), want RK4 %v", r0, sEnd, sE, sI, want)
				}
			}
		})
	}
}

func measIdentity(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := range n {
		m.Set(i, i, 1)
	}
	return m
}

func TestTwoPopWPlusLimitSmooth(t *testing.T) {
	// Across w₊ = 0 the closed form must be continuous: a change of 1e-9 in
	// kI moves r by O(1e-9·w·s²), and the expm1 form adds no cancellation,
	// so 1e-8 detects any loss of digits (a naive (e^{−s} − e^{−as})/(a − 1)
	// would be off by ≈ 1e-7 here).
	const tol = 1e-8
	mid := TwoPop{W: 2, KI: 1}
	for _, dk := range []float64{1e-9, -1e-9, 1e-13, -1e-13} {
		p := TwoPop{W: 2, KI: 1 + dk}
		for _, s := range []float64{0.1, 1, 2.5, 5} {
			a1, b1 := p.Pulse(1, 0, s)
			a0, b0 := mid.Pulse(1, 0, s)
			if math.Abs(a1-a0) > tol || math.Abs(b1-b0) > tol {
				t.Errorf("Pulse(kI=1%+g, s=%v) = (%v, %v), want ≈ (%v, %v)", dk, s, a1, b1, a0, b0)
			}
			a1, b1 = p.Step(1, 0, s)
			a0, b0 = mid.Step(1, 0, s)
			if math.Abs(a1-a0) > tol || math.Abs(b1-b0) > tol {
				t.Errorf("Step(kI=1%+g, s=%v) = (%v, %v), want ≈ (%v, %v)", dk, s, a1, b1, a0, b0)
			}
		}
	}
}

func TestTwoPopSeries(t *testing.T) {
	// Series and its columnar form must agree exactly with Pulse.
	p := walkthroughPop
	ss := p.Series(1, 0, 5, 0.005)
	if len(ss) != 1001 {
		t.Fatalf("len(Series(…, 5, 0.005)) = %d, want 1001", len(ss))
	}
	tc, rE, rI := p.SeriesColumns(1, 0, 5, 0.005)
	if len(tc) != 1001 || len(rE) != 1001 || len(rI) != 1001 {
		t.Fatalf("SeriesColumns lengths = %d, %d, %d, want 1001", len(tc), len(rE), len(rI))
	}
	for k, s := range ss {
		e, i := p.Pulse(1, 0, s.T)
		if s.RE != e || s.RI != i || s.Sum != e+i || s.Diff != e-i {
			t.Fatalf("Series[%d] = %+v, want Pulse = (%v, %v)", k, s, e, i)
		}
		if tc[k] != s.T || rE[k] != s.RE || rI[k] != s.RI {
			t.Fatalf("SeriesColumns[%d] = (%v, %v, %v), want %+v", k, tc[k], rE[k], rI[k], s)
		}
	}
	if last := ss[len(ss)-1].T; math.Abs(last-5) > 1e-12 {
		t.Errorf("last sample t = %v, want 5", last)
	}
	if n := len(p.Series(0, 0, 0, 0.1)); n != 1 {
		t.Errorf("len(Series(tEnd=0)) = %d, want 1", n)
	}
}

func TestTwoPopIntegralEqualsGain(t *testing.T) {
	// Composite Simpson on [0, 60] with h = 0.002: error ≈ h⁴·max|f⁗| ≈ 1e-10,
	// tail ≈ e^{−60}; 1e-8 is safe.
	const tol = 1e-8
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			const h, end = 0.002, 60.0
			n := int(end / h)
			var sum float64
			for k := 0; k <= n; k++ {
				rE, _ := tc.p.Pulse(1, 0, float64(k)*h)
				wgt := 2.0
				switch {
				case k == 0 || k == n:
					wgt = 1
				case k%2 == 1:
					wgt = 4
				}
				sum += wgt * rE
			}
			integral := sum * h / 3
			if g := tc.p.Gain()[0][0]; math.Abs(integral-g) > tol {
				t.Errorf("∫rE dt = %v, want Gain()[0][0] = %v", integral, g)
			}
		})
	}
}

func TestTwoPopGainInverse(t *testing.T) {
	// Gain · (1 − W) = 1 up to rounding of entries ≤ ~40.
	const tol = 1e-12
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.p.Gain()
			gm := mat.NewDense(2, 2, []float64{g[0][0], g[0][1], g[1][0], g[1][1]})
			var m, prod mat.Dense
			m.Sub(measIdentity(2), tc.p.Matrix())
			prod.Mul(gm, &m)
			if !mat.EqualApprox(&prod, measIdentity(2), tol*40) {
				t.Errorf("Gain()·(1 − W) = %v, want 1", mat.Formatted(&prod))
			}
		})
	}
}

func TestTwoPopParadoxical(t *testing.T) {
	for _, w := range []float64{0, 0.5, 0.99, 1.01, 2, 30.0 / 7, 10} {
		p := TwoPop{W: w, KI: 1.1}
		got := p.Gain()[1][1] < 0
		if want := w > 1; got != want {
			t.Errorf("TwoPop{W: %v}.Gain()[1][1] = %v, paradoxical = %v, want %v", w, p.Gain()[1][1], got, want)
		}
	}
}

func TestTwoPopMeasures(t *testing.T) {
	// Closed forms vs LAPACK-based measures of a 2×2 with entries ≤ 30.
	const tol = 1e-10
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.p.Matrix()
			if got, want := Henrici(w), tc.p.WFF(); math.Abs(got-want) > tol*math.Max(1, want) {
				t.Errorf("Henrici(W) = %v, want w_FF = %v", got, want)
			}
			wp, wff := tc.p.WPlus(), tc.p.WFF()
			omegaW := 0.5 * (-wp + math.Sqrt(wff*wff+wp*wp))
			a := tc.p.Matrix()
			a.Sub(a, measIdentity(2))
			if got := NumericalAbscissa(a); math.Abs(got-(omegaW-1)) > tol {
				t.Errorf("NumericalAbscissa(W − 1) = %v, want ½(−w₊ + √(w_FF² + w₊²)) − 1 = %v", got, omegaW-1)
			}
			if got := NumericalAbscissa(w); math.Abs(got-omegaW) > tol {
				t.Errorf("NumericalAbscissa(W) = %v, want %v", got, omegaW)
			}
		})
	}
}

func TestTwoPopNoiseVarianceVsLyapunov(t *testing.T) {
	// Lyapunov solves a 4×4 system with condition ≈ (1 + w_FF)²/a; 1e-9
	// relative is ample.
	const tol = 1e-9
	for _, tc := range twoPopCases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.p.Matrix()
			a.Sub(a, measIdentity(2))
			c, err := Lyapunov(a, mat.NewSymDense(2, []float64{1, 0, 0, 1}))
			if err != nil {
				t.Fatalf("Lyapunov: %v", err)
			}
			// W = 0: C₀ = ½·1, so Var σ₀ = Var δ₀ = 1.
			varSum := c.At(0, 0) + c.At(1, 1) + 2*c.At(0, 1)
			varDiff := c.At(0, 0) + c.At(1, 1) - 2*c.At(0, 1)
			sum, diff := tc.p.NoiseVariance()
			if math.Abs(sum-varSum) > tol*varSum || math.Abs(diff-varDiff) > tol*varDiff {
				t.Errorf("NoiseVariance() = (%v, %v), want Lyapunov (%v, %v)", sum, diff, varSum, varDiff)
			}
		})
	}
	if s, d := (TwoPop{W: 0, KI: 1.1}).NoiseVariance(); s != 1 || d != 1 {
		t.Errorf("NoiseVariance(W = 0) = (%v, %v), want (1, 1)", s, d)
	}
}

func TestTwoPopSumPeak(t *testing.T) {
	// A grid of step 1e-4 finds the peak time to ±1e-4 and, since σ is flat
	// there (σ'' = O(w_FF)), the value to ≈ 1e-7; the closed form must be at
	// least as high and within these bounds.
	const h = 1e-4
	const tolT = 2 * h
	const tolV = 1e-6
	inits := [][2]float64{{1, 0}, {0, 1}, {1, 1}, {0, 0}, {-1, 0}, {0.2, -1}, {-1, 0.5}, {-0.5, -0.5}}
	for _, tc := range twoPopCases {
		for _, r0 := range inits {
			bestV, bestT := math.Inf(-1), 0.0
			for k := 0; k <= int(20/h); k++ {
				s := float64(k) * h
				rE, rI := tc.p.Pulse(r0[0], r0[1], s)
				if v := rE + rI; v > bestV {
					bestV, bestT = v, s
				}
			}
			gotT, gotV := tc.p.SumPeak(r0[0], r0[1])
			if bestV < 0 {
				// Supremum 0 not attained: SumPeak reports the start.
				if gotT != 0 || gotV != r0[0]+r0[1] {
					t.Errorf("%s: SumPeak(%v) = (%v, %v), want (0, σ₀ = %v)", tc.name, r0, gotT, gotV, r0[0]+r0[1])
				}
				continue
			}
			if math.Abs(gotT-bestT) > tolT || gotV < bestV-tolV || gotV > bestV+tolV {
				t.Errorf("%s: SumPeak(%v) = (%v, %v), want ≈ (%v, %v)", tc.name, r0, gotT, gotV, bestT, bestV)
			}
		}
	}
}

func TestTwoPopValidate(t *testing.T) {
	tests := []struct {
		p       TwoPop
		wantErr string
	}{
		{walkthroughPop, ""},
		{paperPop, ""},
		{TwoPop{W: 1, KI: 0.5}, ""},
		{TwoPop{W: 2, KI: 0.5}, "unstable"}, // 1 + w₊ = 0
		{TwoPop{W: 3, KI: 0}, "unstable"},
		{TwoPop{W: math.NaN(), KI: 1.1}, "finite"},
		{TwoPop{W: 1, KI: math.Inf(1)}, "finite"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%+v.Validate() = %v, want nil", tt.p, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%+v.Validate() = %v, want error containing %q", tt.p, err, tt.wantErr)
		}
		if (err == nil) != tt.p.Stable() && !math.IsNaN(tt.p.W) && !math.IsInf(tt.p.KI, 0) {
			t.Errorf("%+v: Validate() = %v but Stable() = %v", tt.p, err, tt.p.Stable())
		}
	}
}

func FuzzTwoPopValidate(f *testing.F) {
	f.Add(4*math.Sqrt(2.0/7), 1.1)
	f.Add(30.0/7, 1.1)
	f.Add(2.0, 0.5)
	f.Add(math.NaN(), 1.0)
	f.Add(math.Inf(1), 1.0)
	f.Add(1e308, 1e308)
	f.Fuzz(func(t *testing.T, w, kI float64) {
		p := TwoPop{W: w, KI: kI}
		err := p.Validate()
		if math.IsNaN(w) || math.IsNaN(kI) {
			if err == nil {
				t.Fatalf("%+v.Validate() = nil, want error for NaN", p)
			}
			return
		}
		if err != nil {
			return
		}
		// A valid circuit has finite, bounded responses.
		if !p.Stable() {
			t.Fatalf("%+v.Validate() = nil but Stable() = false", p)
		}
		rE, rI := p.Pulse(1, 0, 1)
		if math.IsNaN(rE) || math.IsNaN(rI) {
			t.Fatalf("%+v.Pulse(1, 0, 1) = (%v, %v), want numbers", p, rE, rI)
		}
		if s, _ := p.NoiseVariance(); math.IsNaN(s) {
			t.Fatalf("%+v.NoiseVariance() sum = NaN", p)
		}
	})
}

// twoPopFrame is what the demo computes per slider move.
type twoPopFrame struct {
	t, rE, rI      []float64
	peakT, peakV   float64
	wff, wp, lam   float64
	gMax, gMaxT    float64
	omega, henrici float64
	gain           [2][2]float64
	noiseS, noiseD float64
}

func computeTwoPopFrame(p TwoPop, rE0, rI0, tEnd, dt float64) twoPopFrame {
	var f twoPopFrame
	f.t, f.rE, f.rI = p.SeriesColumns(rE0, rI0, tEnd, dt)
	f.peakT, f.peakV = p.SumPeak(rE0, rI0)
	f.wff, f.wp, f.lam = p.WFF(), p.WPlus(), p.Lambda()
	a := p.Matrix()
	a.Sub(a, measIdentity(2))
	f.gMax, f.gMaxT, _ = MaxGrowth(a, tEnd)
	f.omega = NumericalAbscissa(a)
	f.henrici = Henrici(p.Matrix())
	f.gain = p.Gain()
	f.noiseS, f.noiseD = p.NoiseVariance()
	return f
}

func BenchmarkTwoPopSeries(b *testing.B) {
	p := walkthroughPop
	b.ReportAllocs()
	for b.Loop() {
		p.SeriesColumns(1, 0, 5, 0.005)
	}
}

func BenchmarkTwoPopSeriesInto(b *testing.B) {
	p := walkthroughPop
	tt, rE, rI := make([]float64, 1001), make([]float64, 1001), make([]float64, 1001)
	b.ReportAllocs()
	for b.Loop() {
		p.SeriesInto(1, 0, 0.005, tt, rE, rI)
	}
}

func BenchmarkTwoPopFrame(b *testing.B) {
	p := walkthroughPop
	b.ReportAllocs()
	for b.Loop() {
		computeTwoPopFrame(p, 1, 0, 5, 0.005)
	}
}

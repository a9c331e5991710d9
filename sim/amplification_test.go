package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// ampKIs are the inhibitory ratios the tests sweep: kI = 1 (no ceiling,
// w₊ = 0 branch), the paper's 1.1 (ceiling 11), and two stronger ones.
var ampKIs = []float64{1, 1.1, 1.5, 3}

// ampCase is a valid (A, kI) pair with its matched weights.
type ampCase struct {
	A, kI, wH, wB float64
}

func (c ampCase) String() string { return fmt.Sprintf("A=%v,kI=%v", c.A, c.kI) }

// ampValidCases returns every preset A with every kI of ampKIs for which A is
// below the balanced ceiling.
func ampValidCases(t testing.TB) []ampCase {
	t.Helper()
	var cases []ampCase
	for _, kI := range ampKIs {
		for _, A := range AmplificationPresets() {
			if A >= BalancedCeiling(kI) {
				continue
			}
			wH, err := HebbianWeight(A)
			if err != nil {
				t.Fatalf("HebbianWeight(%v): %v", A, err)
			}
			wB, err := BalancedWeight(A, kI)
			if err != nil {
				t.Fatalf("BalancedWeight(%v, %v): %v", A, kI, err)
			}
			cases = append(cases, ampCase{A: A, kI: kI, wH: wH, wB: wB})
		}
	}
	return cases
}

func ampRelErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(1, math.Abs(want))
}

// ampSimpson integrates f over [0, T] with the composite Simpson rule on n
// (even) intervals.
func ampSimpson(f func(s float64) float64, T float64, n int) float64 {
	h := T / float64(n)
	sum := f(0) + f(T)
	for i := 1; i < n; i++ {
		wgt := 2.0
		if i%2 == 1 {
			wgt = 4
		}
		sum += wgt * f(float64(i)*h)
	}
	return sum * h / 3
}

// ampRK4 integrates dr/ds = −r + W r + I with classic RK4, step h, from r0,
// calling visit(s, r) every `every` steps (and at s = 0) up to s = T.
func ampRK4(W [2][2]float64, I, r0 [2]float64, h, T float64, every int, visit func(s float64, r [2]float64)) {
	f := func(r [2]float64) [2]float64 {
		return [2]float64{
			-r[0] + W[0][0]*r[0] + W[0][1]*r[1] + I[0],
			-r[1] + W[1][0]*r[0] + W[1][1]*r[1] + I[1],
		}
	}
	axpy := func(r, k [2]float64, a float64) [2]float64 {
		return [2]float64{r[0] + a*k[0], r[1] + a*k[1]}
	}
	r := r0
	visit(0, r)
	steps := int(math.Round(T / h))
	for i := 1; i <= steps; i++ {
		k1 := f(r)
		k2 := f(axpy(r, k1, h/2))
		k3 := f(axpy(r, k2, h/2))
		k4 := f(axpy(r, k3, h))
		for j := range r {
			r[j] += h / 6 * (k1[j] + 2*k2[j] + 2*k3[j] + k4[j])
		}
		if i%every == 0 {
			visit(float64(i)*h, r)
		}
	}
}

func TestHebbianWeightRoundTrip(t *testing.T) {
	// w = 1 − 1/A and 1/(1 − w) each round once; 1 − w then carries the
	// rounding of w relative to 1/A, so the round trip is good to ~A·ε.
	const tol = 1e-13
	for _, A := range AmplificationPresets() {
		t.Run(fmt.Sprint(A), func(t *testing.T) {
			w, err := HebbianWeight(A)
			if err != nil {
				t.Fatalf("HebbianWeight(%v): %v", A, err)
			}
			if want := 1 - 1/A; w != want {
				t.Errorf("HebbianWeight(%v) = %v, want %v", A, w, want)
			}
			got, err := HebbianAmplification(w)
			if err != nil {
				t.Fatalf("HebbianAmplification(%v): %v", w, err)
			}
			if ampRelErr(got, A) > tol {
				t.Errorf("HebbianAmplification(HebbianWeight(%v)) = %v, want %v", A, got, A)
			}
		})
	}
}

func TestBalancedWeightRoundTrip(t *testing.T) {
	// The denominator kI − A(kI − 1) cancels by at most a factor ceiling/A
	// (≤ 11 here) and A(w) is insensitive to w near the ceiling, so a few
	// tens of ε suffice.
	const tol = 1e-13
	for _, kI := range ampKIs {
		for _, A := range AmplificationPresets() {
			t.Run(fmt.Sprintf("A=%v,kI=%v", A, kI), func(t *testing.T) {
				w, err := BalancedWeight(A, kI)
				if A >= BalancedCeiling(kI) {
					if err == nil {
						t.Errorf("BalancedWeight(%v, %v) = %v, want error above ceiling %v", A, kI, w, BalancedCeiling(kI))
					}
					return
				}
				if err != nil {
					t.Fatalf("BalancedWeight(%v, %v): %v", A, kI, err)
				}
				if w < 0 {
					t.Errorf("BalancedWeight(%v, %v) = %v, want ≥ 0", A, kI, w)
				}
				got, err := BalancedAmplification(w, kI)
				if err != nil {
					t.Fatalf("BalancedAmplification(%v, %v): %v", w, kI, err)
				}
				if ampRelErr(got, A) > tol {
					t.Errorf("BalancedAmplification(BalancedWeight(%v, %v), %v) = %v, want %v", A, kI, kI, got, A)
				}
			})
		}
	}
}

func TestBalancedWeightPaper(t *testing.T) {
	// 3/0.7 with kI − 1 = 0.1 rounded: a few ε.
	const tol = 1e-14
	w, err := BalancedWeight(4, 1.1)
	if err != nil {
		t.Fatalf("BalancedWeight(4, 1.1): %v", err)
	}
	if want := 30.0 / 7; ampRelErr(w, want) > tol {
		t.Errorf("BalancedWeight(4, 1.1) = %v, want %v", w, want)
	}
	if wFF, want := w*(1+1.1), 9.0; ampRelErr(wFF, want) > tol {
		t.Errorf("w_FF at BalancedWeight(4, 1.1) = %v, want %v", wFF, want)
	}
}

func TestBalancedWeightErrors(t *testing.T) {
	tests := []struct {
		A, kI   float64
		wantErr bool
		mention string // substring the error must contain
	}{
		{A: 11, kI: 1.1, wantErr: true, mention: "11"},
		{A: 12, kI: 1.1, wantErr: true, mention: "ceiling"},
		{A: 10, kI: 1.1},
		{A: 10.999, kI: 1.1},
		{A: 1.5, kI: 3, wantErr: true, mention: "1.5"},
		{A: 1.49, kI: 3},
		{A: 1e6, kI: 1},   // no ceiling at kI = 1
		{A: 1e300, kI: 1}, // w = A − 1 is still finite
		{A: 1, kI: 1.1},
		{A: 0.5, kI: 1.1, wantErr: true},
		{A: math.NaN(), kI: 1.1, wantErr: true},
		{A: math.Inf(1), kI: 1, wantErr: true},
		{A: 2, kI: 0.9, wantErr: true},
		{A: 2, kI: math.NaN(), wantErr: true},
		{A: 2, kI: math.Inf(1), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("A=%v,kI=%v", tt.A, tt.kI), func(t *testing.T) {
			w, err := BalancedWeight(tt.A, tt.kI)
			if (err != nil) != tt.wantErr {
				t.Fatalf("BalancedWeight(%v, %v) = %v, %v; want error %v", tt.A, tt.kI, w, err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("BalancedWeight(%v, %v) error %q does not mention %q", tt.A, tt.kI, err, tt.mention)
			}
			if err == nil && (math.IsInf(w, 0) || math.IsNaN(w) || w < 0) {
				t.Errorf("BalancedWeight(%v, %v) = %v, want finite ≥ 0", tt.A, tt.kI, w)
			}
		})
	}
	if got := BalancedCeiling(1.1); ampRelErr(got, 11) > 1e-14 {
		t.Errorf("BalancedCeiling(1.1) = %v, want 11", got)
	}
	if got := BalancedCeiling(1); !math.IsInf(got, 1) {
		t.Errorf("BalancedCeiling(1) = %v, want +Inf", got)
	}
}

func TestHebbianAmplificationErrors(t *testing.T) {
	for _, w := range []float64{1, 1.5, math.NaN(), math.Inf(-1)} {
		if A, err := HebbianAmplification(w); err == nil {
			t.Errorf("HebbianAmplification(%v) = %v, want error", w, A)
		}
	}
	for _, tt := range []struct{ w, kI float64 }{{-20, 1.1}, {math.NaN(), 1.1}, {1, 0.5}} {
		if A, err := BalancedAmplification(tt.w, tt.kI); err == nil {
			t.Errorf("BalancedAmplification(%v, %v) = %v, want error", tt.w, tt.kI, A)
		}
	}
}

// The unit-pulse integral ∫rE ds, by quadrature, is A for both networks, and
// the centroid ∫s·rE/∫rE matches the closed forms.
func TestAmplificationIntegralQuadrature(t *testing.T) {
	// Simpson on h = 5e-4 (Hebbian: h/A) resolves the fastest rate a ≤ 10 of
	// these cases to ~(a·h)⁴/180 ≈ 4e-12 relative (measured ≤ 5e-13); the
	// cut-off at 60 slowest time constants leaves e^{−60}.
	const (
		tol   = 1e-10
		tails = 60
		n     = 120000
	)
	for _, c := range ampValidCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			cmp, err := CompareAmplification(c.A, c.kI, 1, 2)
			if err != nil {
				t.Fatalf("CompareAmplification(%v, %v): %v", c.A, c.kI, err)
			}
			nets := []struct {
				name  string
				net   AmpNetwork
				pulse func(s float64) float64
				T     float64
			}{
				{"hebbian", cmp.Hebbian, func(s float64) float64 { return HebbianPulse(c.wH, s) }, tails * c.A},
				{"balanced", cmp.Balanced, func(s float64) float64 { rE, _ := BalancedPulse(c.wB, c.kI, s); return rE }, tails},
			}
			for _, nt := range nets {
				integral := ampSimpson(nt.pulse, nt.T, n)
				moment := ampSimpson(func(s float64) float64 { return s * nt.pulse(s) }, nt.T, n)
				if ampRelErr(integral, c.A) > tol {
					t.Errorf("%s: ∫rE ds (Simpson) = %v, want A = %v", nt.name, integral, c.A)
				}
				if ampRelErr(nt.net.Integral, c.A) > tol {
					t.Errorf("%s: Integral = %v, want A = %v", nt.name, nt.net.Integral, c.A)
				}
				if centroid := moment / integral; ampRelErr(nt.net.Centroid, centroid) > tol {
					t.Errorf("%s: Centroid = %v, want ∫s·rE/∫rE (Simpson) = %v", nt.name, nt.net.Centroid, centroid)
				}
			}
		})
	}
}

// The closed forms agree with an RK4 integration of τ dr/dt = −r + W r + I.
func TestAmplificationClosedFormsRK4(t *testing.T) {
	// RK4's global error is O((a·h)⁴) with a ≤ 10 the fastest rate here and
	// h = 1e-3: measured ≲ 4e-11 of the response's scale; 1e-9 leaves margin
	// yet catches the ~1e-4 error of the unstabilised form in tiny-w+.
	const (
		tol   = 1e-9
		h     = 1e-3
		T     = 6
		every = 50
	)
	type network struct {
		name  string
		W     [2][2]float64
		pulse func(s float64) (rE, rI float64)
		step  func(s float64) (rE, rI float64)
	}
	var nets []network
	for _, c := range ampValidCases(t) {
		wH, wB, kI := c.wH, c.wB, c.kI
		nets = append(nets,
			network{
				name:  "hebbian/" + c.String(),
				W:     [2][2]float64{{wH, 0}, {0, 0}},
				pulse: func(s float64) (float64, float64) { return HebbianPulse(wH, s), 0 },
				step:  func(s float64) (float64, float64) { return HebbianStep(wH, s), 0 },
			},
			network{
				name:  "balanced/" + c.String(),
				W:     [2][2]float64{{wB, -kI * wB}, {wB, -kI * wB}},
				pulse: func(s float64) (float64, float64) { return BalancedPulse(wB, kI, s) },
				step:  func(s float64) (float64, float64) { return BalancedStep(wB, kI, s) },
			})
	}
	// w₊ = 1e-12·w: the stable expm1 form, where c = w_FF/w₊ ≈ 2e12 would
	// otherwise cancel away twelve digits.
	nets = append(nets, network{
		name:  "balanced/tiny-w+",
		W:     [2][2]float64{{5, -(1 + 1e-12) * 5}, {5, -(1 + 1e-12) * 5}},
		pulse: func(s float64) (float64, float64) { return BalancedPulse(5, 1+1e-12, s) },
		step:  func(s float64) (float64, float64) { return BalancedStep(5, 1+1e-12, s) },
	}, network{
		name:  "none",
		W:     [2][2]float64{},
		pulse: func(s float64) (float64, float64) { return NoRecurrencePulse(s), 0 },
		step:  func(s float64) (float64, float64) { return NoRecurrenceStep(s), 0 },
	})
	for _, nt := range nets {
		t.Run(nt.name, func(t *testing.T) {
			for _, in := range []struct {
				name  string
				I, r0 [2]float64
				want  func(s float64) (rE, rI float64)
			}{
				{"pulse", [2]float64{}, [2]float64{1, 0}, nt.pulse},
				{"step", [2]float64{1, 0}, [2]float64{}, nt.step},
			} {
				var maxErr, scale float64
				ampRK4(nt.W, in.I, in.r0, h, T, every, func(s float64, r [2]float64) {
					rE, rI := in.want(s)
					maxErr = math.Max(maxErr, math.Max(math.Abs(r[0]-rE), math.Abs(r[1]-rI)))
					scale = math.Max(scale, math.Max(math.Abs(r[0]), math.Abs(r[1])))
				})
				if maxErr > tol*scale {
					t.Errorf("%s: max |closed form − RK4| = %.3g, want ≤ %.3g", in.name, maxErr, tol*scale)
				}
			}
		})
	}
}

// The step response is the running integral of the pulse response and tends
// to A.
func TestAmplificationStepIsIntegralOfPulse(t *testing.T) {
	// Simpson with h = 1e-4 on rates ≤ 10: (a·h)⁴/180 ≈ 1e-14; the far limit
	// is evaluated at 60 slowest time constants (e^{−60} ≈ 1e-26 left).
	const (
		tol    = 1e-10
		tolInf = 1e-12
	)
	for _, c := range ampValidCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			for _, s := range []float64{0.5, 1, 2, 5} {
				n := int(s * 1e4)
				got := HebbianStep(c.wH, s)
				want := ampSimpson(func(u float64) float64 { return HebbianPulse(c.wH, u) }, s, n)
				if ampRelErr(got, want) > tol {
					t.Errorf("HebbianStep(%v, %v) = %v, want ∫pulse = %v", c.wH, s, got, want)
				}
				gotE, _ := BalancedStep(c.wB, c.kI, s)
				want = ampSimpson(func(u float64) float64 { rE, _ := BalancedPulse(c.wB, c.kI, u); return rE }, s, n)
				if ampRelErr(gotE, want) > tol {
					t.Errorf("BalancedStep(%v, %v, %v) = %v, want ∫pulse = %v", c.wB, c.kI, s, gotE, want)
				}
			}
			if got := HebbianStep(c.wH, 60*c.A); ampRelErr(got, c.A) > tolInf {
				t.Errorf("HebbianStep(%v, %v) = %v, want A = %v", c.wH, 60*c.A, got, c.A)
			}
			if got, _ := BalancedStep(c.wB, c.kI, 60); ampRelErr(got, c.A) > tolInf {
				t.Errorf("BalancedStep(%v, %v, 60) = %v, want A = %v", c.wB, c.kI, got, c.A)
			}
		})
	}
}

// The walkthrough's reference table (w = 4√(2/7), kI = 1.1), to the two
// decimals it prints.
func TestBalancedPulseWalkthrough(t *testing.T) {
	const tol = 0.005 // half a unit in the printed second decimal
	w := 4 * math.Sqrt(2.0/7)
	tests := []struct{ s, rE, rI float64 }{
		{0, 1.00, 0.00}, {0.4, 1.22, 0.55}, {0.8, 1.16, 0.71}, {1.5, 0.84, 0.61}, {3.0, 0.29, 0.24},
	}
	for _, tt := range tests {
		rE, rI := BalancedPulse(w, 1.1, tt.s)
		if math.Abs(rE-tt.rE) > tol || math.Abs(rI-tt.rI) > tol {
			t.Errorf("BalancedPulse(%.5f, 1.1, %v) = (%.4f, %.4f), want (%v, %v)", w, tt.s, rE, rI, tt.rE, tt.rI)
		}
	}
}

// ampCentroidBound is the supremum over w ≥ 0 of the balanced centroid
// 1 + w/((1 + w(kI − 1))(1 + kI·w)): the denominator over w is
// 1/w + (2kI − 1) + kI(kI − 1)w, smallest at w* = 1/√(kI(kI − 1)), giving
// 1 + 1/(√(kI − 1) + √kI)².
func ampCentroidBound(kI float64) float64 {
	r := math.Sqrt(kI-1) + math.Sqrt(kI)
	return 1 + 1/(r*r)
}

// Amplification costs the Hebbian network time (centroid and decay time A·τ)
// but not the balanced one: its decay time is τ and its centroid stays below
// 1 + 1/(√(kI − 1) + √kI)² (≈ 1.537τ at kI = 1.1, < 2τ for every kI ≥ 1).
func TestAmplificationCentroidBound(t *testing.T) {
	const tol = 1e-12 // closed forms of a few operations each
	for _, c := range ampValidCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			cmp, err := CompareAmplification(c.A, c.kI, 1, 2)
			if err != nil {
				t.Fatalf("CompareAmplification(%v, %v): %v", c.A, c.kI, err)
			}
			if h := cmp.Hebbian; ampRelErr(h.Centroid, c.A) > tol || ampRelErr(h.DecayTime, c.A) > tol {
				t.Errorf("hebbian centroid, decay time = %v, %v; want A = %v", h.Centroid, h.DecayTime, c.A)
			}
			b := cmp.Balanced
			if b.DecayTime != 1 {
				t.Errorf("balanced DecayTime = %v, want 1", b.DecayTime)
			}
			if bound := ampCentroidBound(c.kI); b.Centroid < 1 || b.Centroid > bound || bound > 2 {
				t.Errorf("balanced Centroid = %v, want in [1, %v] (bound ≤ 2)", b.Centroid, bound)
			}
		})
	}
	// The bound is tight: the centroid reaches it at w* and nowhere exceeds
	// it along a fine sweep of A up to the kI = 1.1 ceiling.
	const kI = 1.1
	bound := ampCentroidBound(kI)
	if math.Abs(bound-1.5366) > 1e-4 {
		t.Errorf("ampCentroidBound(%v) = %v, want ≈ 1.5366", kI, bound)
	}
	wStar := 1 / math.Sqrt(kI*(kI-1))
	if got := ampBalancedNetwork(wStar, kI).Centroid; ampRelErr(got, bound) > tol {
		t.Errorf("balanced centroid at w* = %v is %v, want bound %v", wStar, got, bound)
	}
	for A := 1.0; A < BalancedCeiling(kI); A += 0.01 {
		w, err := BalancedWeight(A, kI)
		if err != nil {
			t.Fatalf("BalancedWeight(%v, %v): %v", A, kI, err)
		}
		if got := ampBalancedNetwork(w, kI).Centroid; got > bound*(1+tol) {
			t.Errorf("balanced centroid at A = %v is %v, above bound %v", A, got, bound)
		}
	}
}

// The closed-form peak of the pulse response is the maximum over a dense grid.
func TestAmplificationPeak(t *testing.T) {
	// A grid step of 1e-4 misses the maximum by O(h²·|rE″|) ≲ 1e-6 of it.
	const tol = 1e-6
	cases := ampValidCases(t)
	cases = append(cases, ampCase{A: 3, kI: 1 + 1e-12, wH: 2.0 / 3, wB: 2}) // ≈ kI = 1: peak at 1 − 1/w
	for _, c := range cases {
		t.Run(c.String(), func(t *testing.T) {
			for _, nt := range []struct {
				name  string
				net   AmpNetwork
				pulse func(s float64) float64
			}{
				{"hebbian", ampHebbianNetwork(c.wH), func(s float64) float64 { return HebbianPulse(c.wH, s) }},
				{"balanced", ampBalancedNetwork(c.wB, c.kI), func(s float64) float64 { rE, _ := BalancedPulse(c.wB, c.kI, s); return rE }},
			} {
				best, bestS := math.Inf(-1), 0.0
				for i := 0; i <= 50000; i++ {
					s := float64(i) * 1e-4
					if v := nt.pulse(s); v > best {
						best, bestS = v, s
					}
				}
				if ampRelErr(nt.net.Peak, best) > tol || math.Abs(nt.net.PeakT-bestS) > 2e-3 {
					t.Errorf("%s peak = %v at %v, want %v at %v (grid)", nt.name, nt.net.Peak, nt.net.PeakT, best, bestS)
				}
				if v := nt.pulse(nt.net.PeakT); v != nt.net.Peak {
					t.Errorf("%s pulse(PeakT = %v) = %v, want Peak %v", nt.name, nt.net.PeakT, v, nt.net.Peak)
				}
			}
		})
	}
	if got, want := ampBalancedNetwork(2, 1).PeakT, 0.5; ampRelErr(got, want) > 1e-15 {
		t.Errorf("balanced PeakT(w=2, kI=1) = %v, want 1 − 1/w = %v", got, want)
	}
}

// Over SuggestedWindow every curve settles: pulses below 1 % of their peak,
// steps within 1 % of A.
func TestSuggestedWindow(t *testing.T) {
	const settled = 0.01
	for _, kI := range []float64{1, 1 + 1e-6, 1.05, 1.1, 1.5, 3} {
		for A := 1.0; A < math.Min(BalancedCeiling(kI), 40); A *= 1.1 {
			t.Run(fmt.Sprintf("A=%.4g,kI=%v", A, kI), func(t *testing.T) {
				tEnd := SuggestedWindow(A, kI)
				if tEnd < math.Log(100)*A {
					t.Fatalf("SuggestedWindow(%v, %v) = %v, want ≥ ln(100)·A = %v", A, kI, tEnd, math.Log(100)*A)
				}
				cmp, err := CompareAmplification(A, kI, tEnd, 2)
				if err != nil {
					t.Fatalf("CompareAmplification(%v, %v, %v, 2): %v", A, kI, tEnd, err)
				}
				for _, nt := range []struct {
					name string
					net  AmpNetwork
				}{{"hebbian", cmp.Hebbian}, {"balanced", cmp.Balanced}, {"none", cmp.NoRecurrence}} {
					p, s := nt.net.Pulse[1], nt.net.Step[1]
					if p >= settled*nt.net.Peak || math.Abs(s-nt.net.Integral) >= settled*nt.net.Integral {
						t.Errorf("%s at t_end = %v: pulse %v (peak %v), step %v (A %v): not settled", nt.name, tEnd, p, nt.net.Peak, s, nt.net.Integral)
					}
				}
			})
		}
	}
	if got := SuggestedWindow(0.5, 1.1); !math.IsNaN(got) {
		t.Errorf("SuggestedWindow(0.5, 1.1) = %v, want NaN", got)
	}
}

func TestCompareAmplificationGrid(t *testing.T) {
	cmp, err := CompareAmplification(4, 1.1, 20, 1001)
	if err != nil {
		t.Fatalf("CompareAmplification(4, 1.1, 20, 1001): %v", err)
	}
	if len(cmp.T) != 1001 || cmp.T[0] != 0 || cmp.T[1000] != 20 || cmp.T[500] != 10 {
		t.Errorf("T: len %d, T[0] = %v, T[500] = %v, T[1000] = %v; want 1001, 0, 10, 20", len(cmp.T), cmp.T[0], cmp.T[500], cmp.T[1000])
	}
	for i, s := range cmp.T {
		rE, rI := BalancedPulse(cmp.Balanced.Weight, 1.1, s)
		sE, sI := BalancedStep(cmp.Balanced.Weight, 1.1, s)
		if cmp.Balanced.Pulse[i] != rE || cmp.Balanced.PulseI[i] != rI || cmp.Balanced.Step[i] != sE || cmp.Balanced.StepI[i] != sI {
			t.Fatalf("balanced sample %d (t = %v) differs from BalancedPulse/BalancedStep", i, s)
		}
		if cmp.Hebbian.Pulse[i] != HebbianPulse(0.75, s) || cmp.NoRecurrence.Step[i] != NoRecurrenceStep(s) {
			t.Fatalf("hebbian/no-recurrence sample %d (t = %v) differs from the closed forms", i, s)
		}
	}
	if cmp.Hebbian.PulseI != nil || cmp.NoRecurrence.StepI != nil {
		t.Errorf("hebbian/no-recurrence carry rI columns, want nil")
	}

	for _, tt := range []struct {
		A, kI, tEnd float64
		n           int
	}{
		{11, 1.1, 10, 10}, {0, 1.1, 10, 10}, {4, 1.1, 0, 10}, {4, 1.1, math.Inf(1), 10},
		{4, 1.1, math.NaN(), 10}, {4, 1.1, 10, 1}, {4, 1.1, 10, maxAmpSamples + 1},
	} {
		if _, err := CompareAmplification(tt.A, tt.kI, tt.tEnd, tt.n); err == nil {
			t.Errorf("CompareAmplification(%v, %v, %v, %d): want error", tt.A, tt.kI, tt.tEnd, tt.n)
		}
	}
}

func TestCompareAmplificationJSON(t *testing.T) {
	cmp, err := CompareAmplification(4, 1.1, 19, 5)
	if err != nil {
		t.Fatalf("CompareAmplification(4, 1.1, 19, 5): %v", err)
	}
	for _, v := range []any{cmp, *cmp} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		var got struct {
			WHebbian, WBalanced *float64
			Hebbian, Balanced   map[string]json.RawMessage
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(b, &top); err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		for _, k := range []string{"wHebbian", "wBalanced", "hebbian", "balanced", "noRecurrence", "a", "kI", "tEnd"} {
			if _, ok := top[k]; !ok {
				t.Errorf("JSON lacks key %q: %s", k, b)
			}
		}
		if got.WBalanced == nil || ampRelErr(*got.WBalanced, 30.0/7) > 1e-14 || got.WHebbian == nil || *got.WHebbian != 0.75 {
			t.Errorf("wHebbian, wBalanced = %v, %v; want 0.75, 30/7", got.WHebbian, got.WBalanced)
		}
		for name, net := range map[string]map[string]json.RawMessage{"hebbian": got.Hebbian, "balanced": got.Balanced} {
			for _, k := range []string{"integral", "centroid", "samples", "weight", "decayTime", "peak"} {
				if _, ok := net[k]; !ok {
					t.Errorf("JSON %s lacks key %q", name, k)
				}
			}
			var samples []map[string]float64
			if err := json.Unmarshal(net["samples"], &samples); err != nil {
				t.Fatalf("JSON %s samples: %v", name, err)
			}
			if len(samples) != 5 {
				t.Fatalf("JSON %s has %d samples, want 5", name, len(samples))
			}
			want := map[string]float64{"t": 0, "pulse": 1, "step": 0}
			if name == "balanced" {
				want["pulseI"], want["stepI"] = 0, 0
			}
			if fmt.Sprint(samples[0]) != fmt.Sprint(want) {
				t.Errorf("JSON %s samples[0] = %v, want %v", name, samples[0], want)
			}
			if samples[4]["t"] != 19 {
				t.Errorf("JSON %s samples[4].t = %v, want 19", name, samples[4]["t"])
			}
		}
	}
	bad := *cmp
	bad.T = bad.T[:3]
	if _, err := json.Marshal(bad); err == nil {
		t.Errorf("json.Marshal of mismatched columns: want error")
	}
}

func FuzzAmplificationWeights(f *testing.F) {
	for _, seed := range [][2]float64{
		{4, 1.1}, {11, 1.1}, {10.999999999, 1.1}, {1, 1}, {1e308, 1}, {math.MaxFloat64, 1},
		{-1, 2}, {0, 0}, {math.NaN(), 1}, {2, math.Inf(1)}, {1.5, 3}, {2, 1 + 1e-16}, {5e-324, 1},
	} {
		f.Add(seed[0], seed[1])
	}
	// Away from the ceiling (A ≤ ceiling/2) the denominator loses at most a
	// factor 2 and A(w) has condition ≤ 1, so a few tens of ε; the Hebbian
	// round trip loses A·ε in 1 − w.
	const tolRoundTrip = 64 * 0x1p-52
	f.Fuzz(func(t *testing.T, A, kI float64) {
		finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
		if wH, err := HebbianWeight(A); err == nil {
			if !finite(wH) || wH < 0 || wH >= 1 {
				t.Fatalf("HebbianWeight(%v) = %v, want in [0, 1)", A, wH)
			}
			if A <= 1e6 {
				back, err := HebbianAmplification(wH)
				if err != nil || ampRelErr(back, A) > tolRoundTrip*A {
					t.Errorf("HebbianAmplification(HebbianWeight(%v)) = %v, %v; want %v", A, back, err, A)
				}
			}
		}
		wB, err := BalancedWeight(A, kI)
		if err != nil {
			return
		}
		if !finite(wB) || wB < 0 {
			t.Fatalf("BalancedWeight(%v, %v) = %v, want finite ≥ 0", A, kI, wB)
		}
		if A <= 1e6 && A <= BalancedCeiling(kI)/2 {
			back, err := BalancedAmplification(wB, kI)
			if err != nil || ampRelErr(back, A) > tolRoundTrip {
				t.Errorf("BalancedAmplification(BalancedWeight(%v, %v), %v) = %v, %v; want %v", A, kI, kI, back, err, A)
			}
		}
	})
}

func BenchmarkCompareAmplification(b *testing.B) {
	tEnd := SuggestedWindow(4, 1.1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompareAmplification(4, 1.1, tEnd, 1001); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleCompareAmplification() {
	A, kI := 4.0, 1.1
	cmp, err := CompareAmplification(A, kI, SuggestedWindow(A, kI), 1001)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range []struct {
		name string
		net  AmpNetwork
	}{{"hebbian", cmp.Hebbian}, {"balanced", cmp.Balanced}} {
		fmt.Printf("%-8s w = %.4f  ∫rE = %.3f  centroid = %.3fτ  decay time = %.3fτ  peak %.3f at %.3fτ\n",
			n.name, n.net.Weight, n.net.Integral, n.net.Centroid, n.net.DecayTime, n.net.Peak, n.net.PeakT)
	}
	fmt.Printf("window %gτ\n", cmp.TEnd)
	_, err = BalancedWeight(11, kI)
	fmt.Println(err)
	// Output:
	// hebbian  w = 0.7500  ∫rE = 4.000  centroid = 4.000τ  decay time = 4.000τ  peak 1.000 at 0.000τ
	// balanced w = 4.2857  ∫rE = 4.000  centroid = 1.525τ  decay time = 1.000τ  peak 1.793 at 0.610τ
	// window 19τ
	// balanced weight: amplification A = 11 is at or above the ceiling kI/(kI−1) = 11 for kI = 1.1
}

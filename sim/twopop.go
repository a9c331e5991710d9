package sim

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// TwoPop is the two-population circuit of Murphy & Miller (2009), Fig 1:
// an excitatory unit E and an inhibitory unit I that each project to both,
//
//	W = [[w, −kI·w], [w, −kI·w]],   τ dr/dt = −r + W r + I(t),  r = (rE, rI).
//
// In the sum σ = rE + rI and difference δ = rE − rI the dynamics split into
//
//	dσ/ds = −(1 + w₊) σ + w_FF δ + (IE + II),   w_FF = w(1 + kI),
//	dδ/ds = −δ + (IE − II),                     w₊  = w(kI − 1),
//
// with s = t/τ: δ decays with τ and drives σ feed-forward (balanced
// amplification). All times of TwoPop's methods are in units of τ.
type TwoPop struct {
	W  float64 // w, the weight of every excitatory synapse
	KI float64 // kI, the ratio of inhibitory to excitatory weight
}

// Sample is the state of the two-population circuit at time T (units of τ),
// with Sum = RE + RI and Diff = RE − RI.
type Sample struct {
	T    float64 `json:"t"`
	RE   float64 `json:"rE"`
	RI   float64 `json:"rI"`
	Sum  float64 `json:"sum"`
	Diff float64 `json:"diff"`
}

// Matrix returns W = [[w, −kI·w], [w, −kI·w]].
func (p TwoPop) Matrix() *mat.Dense {
	return mat.NewDense(2, 2, []float64{p.W, -p.KI * p.W, p.W, -p.KI * p.W})
}

// WFF returns the feed-forward weight w_FF = w(1 + kI) from the difference
// mode δ to the sum mode σ.
func (p TwoPop) WFF() float64 { return p.W * (1 + p.KI) }

// WPlus returns w₊ = w(kI − 1), the net inhibitory self-coupling of σ.
func (p TwoPop) WPlus() float64 { return p.W * (p.KI - 1) }

// Lambda returns the nonzero eigenvalue of W, −w₊ (the other is 0).
func (p TwoPop) Lambda() float64 { return -p.WPlus() }

// Stable reports whether both eigenvalues of A = W − 1, −1 and −(1 + w₊),
// have negative real part, i.e. whether 1 + w₊ > 0.
func (p TwoPop) Stable() bool { return 1+p.WPlus() > 0 }

// Validate returns an error if w, kI, w_FF or w₊ is not finite or if the sum
// mode grows (1 + w₊ ≤ 0; the message then contains "unstable").
func (p TwoPop) Validate() error {
	if math.IsNaN(p.W) || math.IsInf(p.W, 0) {
		return fmt.Errorf("twopop: w = %v is not finite", p.W)
	}
	if math.IsNaN(p.KI) || math.IsInf(p.KI, 0) {
		return fmt.Errorf("twopop: kI = %v is not finite", p.KI)
	}
	a := 1 + p.WPlus()
	if math.IsInf(a, 0) || math.IsInf(p.WFF(), 0) {
		return errors.New("twopop: w(1 ± kI) overflows")
	}
	if !(a > 0) {
		return fmt.Errorf("twopop: unstable: sum mode grows, 1 + w(kI − 1) = %v ≤ 0 (w = %v, kI = %v)", a, p.W, p.KI)
	}
	return nil
}

// twoPopKernel returns f(s) = (e^{−s} − e^{−as})/(a − 1) with a = 1 + w₊,
// written as −e^{−s}·expm1(−w₊s)/w₊ so that it has no cancellation near
// w₊ = 0, where it tends to s·e^{−s}.
func twoPopKernel(wPlus, s float64) float64 {
	if wPlus == 0 {
		return s * math.Exp(-s)
	}
	return -math.Exp(-s) * math.Expm1(-wPlus*s) / wPlus
}

// twoPopRise returns (1 − e^{−as})/a, tending to s as a → 0.
func twoPopRise(a, s float64) float64 {
	if a == 0 {
		return s
	}
	return -math.Expm1(-a*s) / a
}

// START PULSE OMIT

// Pulse returns r(s) for free decay (I = 0) from r(0) = (rE0, rI0):
//
//	δ(s) = δ₀e^{−s},  σ(s) = σ₀e^{−as} + w_FF·δ₀·(e^{−s} − e^{−as})/(a − 1),
//
// with a = 1 + w₊ and rE = (σ + δ)/2, rI = (σ − δ)/2.
func (p TwoPop) Pulse(rE0, rI0, s float64) (rE, rI float64) {
	wp := p.WPlus()
	sig0, del0 := rE0+rI0, rE0-rI0
	del := del0 * math.Exp(-s)
	sig := sig0*math.Exp(-(1+wp)*s) + p.WFF()*del0*twoPopKernel(wp, s)
	return (sig + del) / 2, (sig - del) / 2
}

// END PULSE OMIT

// Step returns r(s) for constant input (IE, II) switched on at s = 0 with the
// network at rest. With Σ = IE + II, Δ = IE − II and a = 1 + w₊,
//
//	δ(s) = Δ(1 − e^{−s}),
//	σ(s) = (Σ + w_FF Δ)(1 − e^{−as})/a − w_FF Δ (e^{−s} − e^{−as})/(a − 1).
func (p TwoPop) Step(IE, II, s float64) (rE, rI float64) {
	wp := p.WPlus()
	a := 1 + wp
	wff := p.WFF()
	sum, dif := IE+II, IE-II
	del := -dif * math.Expm1(-s)
	sig := (sum+wff*dif)*twoPopRise(a, s) - wff*dif*twoPopKernel(wp, s)
	return (sig + del) / 2, (sig - del) / 2
}

// twoPopSampleCount returns the number of samples k·dt, k = 0, 1, …, with
// k·dt ≤ tEnd (allowing for rounding in tEnd/dt). It panics if dt ≤ 0, tEnd
// < 0 or either is not finite.
func twoPopSampleCount(tEnd, dt float64) int {
	if !(dt > 0) || math.IsInf(dt, 0) || !(tEnd >= 0) || math.IsInf(tEnd, 0) {
		panic(fmt.Sprintf("sim: bad time grid tEnd = %v, dt = %v", tEnd, dt))
	}
	const roundSlack = 1e-9 // tEnd/dt such as 5/0.005 may land just below an integer
	return int(math.Floor(tEnd/dt+roundSlack)) + 1
}

// Series returns the free decay from r(0) = (rE0, rI0) sampled at
// t = 0, dt, 2dt, … ≤ tEnd (units of τ), from the closed form of Pulse.
// It panics if dt ≤ 0 or tEnd < 0.
func (p TwoPop) Series(rE0, rI0, tEnd, dt float64) []Sample {
	n := twoPopSampleCount(tEnd, dt)
	out := make([]Sample, n)
	for k := range out {
		t := float64(k) * dt
		rE, rI := p.Pulse(rE0, rI0, t)
		out[k] = Sample{T: t, RE: rE, RI: rI, Sum: rE + rI, Diff: rE - rI}
	}
	return out
}

// SeriesColumns is the columnar form of Series: it returns the sample times
// and rates as three slices of equal length, for streaming to a plot.
func (p TwoPop) SeriesColumns(rE0, rI0, tEnd, dt float64) (t, rE, rI []float64) {
	n := twoPopSampleCount(tEnd, dt)
	buf := make([]float64, 3*n)
	t, rE, rI = buf[:n:n], buf[n:2*n:2*n], buf[2*n:]
	p.SeriesInto(rE0, rI0, dt, t, rE, rI)
	return t, rE, rI
}

// SeriesInto fills t[k] = k·dt and (rE[k], rI[k]) = Pulse(rE0, rI0, k·dt)
// for k < len(t), without allocating. rE and rI must be at least as long as
// t; it panics otherwise or if dt ≤ 0.
func (p TwoPop) SeriesInto(rE0, rI0, dt float64, t, rE, rI []float64) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		panic(fmt.Sprintf("sim: bad time step dt = %v", dt))
	}
	if len(rE) < len(t) || len(rI) < len(t) {
		panic("sim: SeriesInto: rE or rI shorter than t")
	}
	wp := p.WPlus()
	a := 1 + wp
	wffDel0 := p.WFF() * (rE0 - rI0)
	sig0, del0 := rE0+rI0, rE0-rI0
	for k := range t {
		s := float64(k) * dt
		es := math.Exp(-s)
		var f float64 // (e^{−s} − e^{−as})/(a − 1), see twoPopKernel
		if wp == 0 {
			f = s * es
		} else {
			f = -es * math.Expm1(-wp*s) / wp
		}
		sig := sig0*math.Exp(-a*s) + wffDel0*f
		del := del0 * es
		t[k] = s
		rE[k] = (sig + del) / 2
		rI[k] = (sig - del) / 2
	}
}

// SumPeak returns the time s (units of τ) and value of the maximum of
// σ(s) = rE + rI over s ≥ 0 during free decay from (rE0, rI0). σ has at most
// one critical point, where dσ/ds = 0:
//
//	s* = log1p(w₊·k)/w₊,  k = 1 − a·σ₀/(w_FF·δ₀)   (s* = k as w₊ → 0),
//
// which is the maximum when σ rises at s = 0. Otherwise the maximum is σ₀ at
// s = 0. When σ stays negative and only rises toward 0 the supremum 0 is not
// attained; SumPeak then also reports the start, (0, σ₀).
func (p TwoPop) SumPeak(rE0, rI0 float64) (t, value float64) {
	sig0, del0 := rE0+rI0, rE0-rI0
	wp, wff := p.WPlus(), p.WFF()
	a := 1 + wp
	slope0 := -a*sig0 + wff*del0
	if !(slope0 > 0) || wff*del0 == 0 {
		return 0, sig0
	}
	k := 1 - a*sig0/(wff*del0)
	var s float64
	switch {
	case wp == 0:
		s = k
	case wp*k > -1:
		s = math.Log1p(wp*k) / wp
	default:
		return 0, sig0
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 0, sig0
	}
	rE, rI := p.Pulse(rE0, rI0, s)
	if v := rE + rI; v > sig0 {
		return s, v
	}
	return 0, sig0
}

// Gain returns the steady-state response dr/dI = (1 − W)⁻¹,
//
//	(1 − W)⁻¹ = [[1 + kI·w, −kI·w], [w, 1 − w]] / (1 + w₊),
//
// indexed [response][input]: [0][0] = drE/dIE, [0][1] = drE/dII,
// [1][0] = drI/dIE, [1][1] = drI/dII. drI/dII < 0 when w > 1 (the
// paradoxical response of an inhibition-stabilised network).
func (p TwoPop) Gain() [2][2]float64 {
	d := 1 + p.WPlus()
	w, kw := p.W, p.KI*p.W
	return [2][2]float64{
		{(1 + kw) / d, -kw / d},
		{w / d, (1 - w) / d},
	}
}

// NoiseVariance returns the stationary variances of σ = rE + rI and
// δ = rE − rI under independent white noise of equal strength on E and I,
// each as a ratio to the same quantity for W = 0. From the Lyapunov equation
// in (σ, δ), whose noise is uncorrelated with variance 2 in each,
//
//	Var δ = 1,  Cov(σ, δ) = w_FF/(1 + a),  Var σ = (1 + w_FF²/(1 + a))/a,
//
// with a = 1 + w₊, against 1 and 1 for W = 0. It returns +Inf for the sum
// when the circuit is unstable.
func (p TwoPop) NoiseVariance() (sum, diff float64) {
	a := 1 + p.WPlus()
	if !(a > 0) {
		return math.Inf(1), 1
	}
	wff := p.WFF()
	return (1 + wff*wff/(1+a)) / a, 1
}

// Eigenvectors returns unit eigenvectors of W: e1 ∝ (kI, 1) for eigenvalue
// 0 and e2 ∝ (1, 1) for eigenvalue −w₊.
func (p TwoPop) Eigenvectors() (e1, e2 [2]float64) {
	h := math.Hypot(p.KI, 1)
	return [2]float64{p.KI / h, 1 / h}, [2]float64{math.Sqrt2 / 2, math.Sqrt2 / 2}
}

// EigenvectorAngle returns the angle in degrees between the eigenvectors
// (kI, 1) and (1, 1) of W, |45° − atan(1/kI)|: about 2.7° at kI = 1.1, so
// eigenmode amplitudes say little about the rates.
func (p TwoPop) EigenvectorAngle() float64 {
	return math.Abs(45 - math.Atan2(1, p.KI)*180/math.Pi)
}

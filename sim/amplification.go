package sim

import (
	"encoding/json"
	"fmt"
	"math"
)

// Hebbian versus balanced amplification (Murphy & Miller 2009, Fig 2).
//
// Amplification A is the area under rE after a unit pulse into E,
// A = ∫₀^∞ rE dt / τ, which for a linear network equals the steady-state gain
// drE/dIE for a sustained input. Two networks reach the same A:
//
//   - Hebbian: one E population with self-weight w, τ drE/dt = −(1 − w) rE + IE:
//     A = 1/(1 − w); its only mode decays with τ/(1 − w) = A·τ.
//   - Balanced: the Fig 1 circuit W = [[w, −kI·w], [w, −kI·w]]:
//     A = (1 + kI·w)/(1 + w₊), w₊ = w(kI − 1); its modes decay as e^{−s} and
//     e^{−(1+w₊)s}, never slower than τ.
//
// All times here are s = t/τ.

// ampSettle is ln 100: a mode with time constant T has fallen to 1 % after
// ampSettle·T.
const ampSettle = 4.60517018598809136803598290936239393

// maxAmpSamples caps nSamples in CompareAmplification: about 50 MB of
// columns, far beyond any plot, but small enough that a bad request cannot
// exhaust memory.
const maxAmpSamples = 1 << 20

// AmplificationPresets returns the amplifications the hebbian demo offers as
// presets: 1×, 2×, 3×, 4× (the paper's default), 5× and 10×. Each call returns
// a fresh slice.
func AmplificationPresets() []float64 {
	return []float64{1, 2, 3, 4, 5, 10}
}

// ampCheckA reports whether A is a valid amplification: finite and ≥ 1.
func ampCheckA(A float64) error {
	if math.IsNaN(A) || math.IsInf(A, 0) {
		return fmt.Errorf("amplification A = %v is not finite", A)
	}
	if A < 1 {
		return fmt.Errorf("amplification A = %v is below 1: neither network attenuates with w ≥ 0", A)
	}
	return nil
}

// ampCheckKI reports whether kI is a valid inhibitory ratio: finite and ≥ 1
// (inhibition at least as strong as excitation).
func ampCheckKI(kI float64) error {
	if math.IsNaN(kI) || math.IsInf(kI, 0) || kI < 1 {
		return fmt.Errorf("kI = %v: want a finite kI ≥ 1", kI)
	}
	return nil
}

// HebbianWeight returns the self-weight w_H = 1 − 1/A of the one-population
// Hebbian network whose amplification 1/(1 − w) is A. It returns an error if
// A is not finite, A < 1, or A is so large (≳ 2⁵³) that w_H rounds to 1.
func HebbianWeight(A float64) (float64, error) {
	if err := ampCheckA(A); err != nil {
		return 0, fmt.Errorf("hebbian weight: %w", err)
	}
	w := 1 - 1/A
	if w == 1 {
		return 0, fmt.Errorf("hebbian weight: amplification A = %v is too large: 1 − 1/A rounds to 1", A)
	}
	return w, nil
}

// HebbianAmplification returns A = 1/(1 − w), the amplification of the
// Hebbian network with self-weight w. It returns an error if w is not finite
// or w ≥ 1 (the network is then unstable and has no steady state).
func HebbianAmplification(w float64) (float64, error) {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("hebbian amplification: w = %v is not finite", w)
	}
	if w >= 1 {
		return 0, fmt.Errorf("hebbian amplification: w = %v ≥ 1 is unstable", w)
	}
	return 1 / (1 - w), nil
}

// BalancedCeiling returns kI/(kI − 1), the supremum of the balanced network's
// amplification (1 + kI·w)/(1 + w(kI − 1)) as w → ∞; it is +Inf for kI = 1.
// It returns NaN if kI is not a finite number ≥ 1.
func BalancedCeiling(kI float64) float64 {
	if ampCheckKI(kI) != nil {
		return math.NaN()
	}
	if kI == 1 {
		return math.Inf(1)
	}
	return kI / (kI - 1)
}

// BalancedWeight returns the weight w_B of the Fig 1 circuit
// W = [[w, −kI·w], [w, −kI·w]] whose amplification
//
//	A = (1 + kI·w)/(1 + (kI − 1)·w)
//
// equals A:
//
//	w_B = (A − 1)/(kI − A(kI − 1)).
//
// A must be finite, ≥ 1 and below the ceiling kI/(kI − 1) (11 at kI = 1.1;
// none at kI = 1); kI must be finite and ≥ 1. Otherwise it returns an error,
// which for A at or above the ceiling names the ceiling.
func BalancedWeight(A, kI float64) (float64, error) {
	if err := ampCheckA(A); err != nil {
		return 0, fmt.Errorf("balanced weight: %w", err)
	}
	if err := ampCheckKI(kI); err != nil {
		return 0, fmt.Errorf("balanced weight: %w", err)
	}
	den := kI - A*(kI-1)
	if ceil := BalancedCeiling(kI); den <= 0 || A >= ceil {
		return 0, fmt.Errorf("balanced weight: amplification A = %v is at or above the ceiling kI/(kI−1) = %.6g for kI = %v", A, ceil, kI)
	}
	w := (A - 1) / den
	if math.IsInf(w, 0) || math.IsNaN(w) {
		return 0, fmt.Errorf("balanced weight: A = %v, kI = %v gives a weight that overflows", A, kI)
	}
	return w, nil
}

// BalancedAmplification returns A = (1 + kI·w)/(1 + w₊), w₊ = w(kI − 1), the
// amplification of the Fig 1 circuit with weight w. It returns an error if w
// or kI is not finite, kI < 1, or 1 + w₊ ≤ 0 (unstable).
func BalancedAmplification(w, kI float64) (float64, error) {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("balanced amplification: w = %v is not finite", w)
	}
	if err := ampCheckKI(kI); err != nil {
		return 0, fmt.Errorf("balanced amplification: %w", err)
	}
	a := 1 + w*(kI-1)
	if a <= 0 {
		return 0, fmt.Errorf("balanced amplification: w = %v, kI = %v is unstable (1 + w(kI−1) = %v ≤ 0)", w, kI, a)
	}
	return (1 + kI*w) / a, nil
}

// ampPhi returns φ(x) = (1 − e^{−x})/x with φ(0) = 1, accurate for all x.
// With it (e^{−s} − e^{−(1+x/s)s})/(x/s) = s·e^{−s}·φ(x) stays finite as x → 0.
func ampPhi(x float64) float64 {
	if x == 0 {
		return 1
	}
	return -math.Expm1(-x) / x
}

// ampPsi returns ψ(x) = ln(1 + x)/x with ψ(0) = 1.
func ampPsi(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Log1p(x) / x
}

// NoRecurrencePulse returns rE(s) = e^{−s}, the response of a population
// without recurrence (w = 0) to a unit pulse rE(0) = 1, at s = t/τ.
func NoRecurrencePulse(s float64) float64 { return math.Exp(-s) }

// NoRecurrenceStep returns rE(s) = 1 − e^{−s}, the response of a population
// without recurrence (w = 0) to a unit step of IE from rest, at s = t/τ.
func NoRecurrenceStep(s float64) float64 { return -math.Expm1(-s) }

// START HEBBPULSE OMIT

// HebbianPulse returns rE(s) = e^{−(1−w)s}, the Hebbian network's response to
// a unit pulse rE(0) = 1, at s = t/τ. It is the exact solution for any w.
func HebbianPulse(w, s float64) float64 { return math.Exp(-(1 - w) * s) }

// END HEBBPULSE OMIT

// HebbianStep returns rE(s) = (1 − e^{−(1−w)s})/(1 − w) = A(1 − e^{−s/A}), the
// Hebbian network's response to a unit step of IE from rest, at s = t/τ. It
// is exact for any w, including w = 1 where it is s.
func HebbianStep(w, s float64) float64 { return s * ampPhi((1-w)*s) }

// ampBalanced evaluates the balanced closed forms at s with a = 1 + w₊:
//
//	pulse (σ₀ = δ₀ = 1): δ = e^{−s},      σ = e^{−as} + w_FF·s·e^{−s}·φ(w₊s)
//	step (Σ = Δ = 1):    δ = 1 − e^{−s},  σ = (1 + w_FF)·s·φ(as) − w_FF·s·e^{−s}·φ(w₊s)
//
// where w_FF·s·e^{−s}·φ(w₊s) = c(e^{−s} − e^{−as}), c = w_FF/w₊, is the
// feed-forward drive of σ by δ in a form that stays finite as w₊ → 0.
func ampBalanced(wFF, wPlus, s float64) (pE, pI, sE, sI float64) {
	es := math.Exp(-s)
	a := 1 + wPlus
	ff := wFF * s * es * ampPhi(wPlus*s)
	pd := es
	ps := math.Exp(-a*s) + ff
	sd := -math.Expm1(-s)
	ss := (1+wFF)*s*ampPhi(a*s) - ff
	return (ps + pd) / 2, (ps - pd) / 2, (ss + sd) / 2, (ss - sd) / 2
}

// START BALPULSE OMIT

// BalancedPulse returns rE(s) and rI(s) of the Fig 1 circuit with weight w
// and inhibitory ratio kI after a unit pulse into E (rE(0) = 1, rI(0) = 0),
// at s = t/τ. With σ = rE + rI, δ = rE − rI, w_FF = w(1 + kI), w₊ = w(kI − 1),
// a = 1 + w₊, c = w_FF/w₊:
//
//	δ(s) = e^{−s},  σ(s) = e^{−as} + c(e^{−s} − e^{−as}),
//	rE = (σ + δ)/2 = ½[(1 + c)e^{−s} + (1 − c)e^{−as}],  rI = (σ − δ)/2,
//
// evaluated stably as w₊ → 0 (c(e^{−s} − e^{−as}) → w_FF·s·e^{−s}).
func BalancedPulse(w, kI, s float64) (rE, rI float64) {
	rE, rI, _, _ = ampBalanced(w*(1+kI), w*(kI-1), s)
	return rE, rI
}

// END BALPULSE OMIT

// BalancedStep returns rE(s) and rI(s) of the Fig 1 circuit from rest under a
// unit sustained input IE = 1, II = 0, at s = t/τ:
//
//	δ(s) = 1 − e^{−s},  σ(s) = σ∞(1 − e^{−as}) − c(e^{−s} − e^{−as}),
//	σ∞ = (1 + w_FF)/a,
//
// with the symbols of BalancedPulse. rE → (1 + kI·w)/(1 + w₊) = A as s → ∞;
// rE(s) is the running integral ∫₀^s of BalancedPulse's rE.
func BalancedStep(w, kI, s float64) (rE, rI float64) {
	_, _, rE, rI = ampBalanced(w*(1+kI), w*(kI-1), s)
	return rE, rI
}

// SuggestedWindow returns a time window t_end, in units of τ, over which every
// curve of CompareAmplification(A, kI, …) settles: the pulse responses fall
// below 1 % of their peaks and the step responses come within 1 % of A.
// The slowest curve is the Hebbian one, time constant A·τ, so
// t_end = ⌈ln(100)·A⌉ ≈ ⌈4.6·A⌉; the balanced curves, whose modes decay no
// slower than τ, settle sooner for every valid A < kI/(kI − 1) (kI is
// accepted so callers need not know which curve is slowest). It returns NaN
// if A is not finite or A < 1.
func SuggestedWindow(A, kI float64) float64 {
	if ampCheckA(A) != nil {
		return math.NaN()
	}
	return math.Ceil(ampSettle * A)
}

// AmpNetwork describes one network of an AmpComparison. Times are in units of
// τ; the sample columns are index-aligned with AmpComparison.T.
type AmpNetwork struct {
	// Weight is the recurrent weight: w_H, w_B, or 0 without recurrence.
	Weight float64

	// Integral is ∫₀^∞ rE ds after a unit E pulse, from the closed form;
	// it equals the steady-state gain drE/dIE, i.e. the amplification A.
	Integral float64

	// Centroid is ∫s·rE ds / ∫rE ds for the unit E pulse: the mean response
	// time. Hebbian: 1/(1 − w) = A. Balanced:
	//
	//	1 + w/((1 + w₊)(1 + kI·w)) ≤ 1 + 1/(√(kI − 1) + √kI)² < 2,
	//
	// the bound reached at w = 1/√(kI(kI − 1)) (≈ 1.537 at kI = 1.1).
	Centroid float64

	// DecayTime is the time constant of the slowest mode, the asymptotic
	// decay of the pulse response: 1/(1 − w) = A for the Hebbian network,
	// 1/min(1, 1 + w₊) = 1 for the balanced one.
	DecayTime float64

	// PeakT and Peak locate the maximum of the pulse response rE. Hebbian:
	// at s = 0, value 1. Balanced: at s = 0 if w ≤ 1, else at
	// s* = ln((1 + w₊)/kI)/w₊ (→ 1 − 1/w as kI → 1).
	PeakT, Peak float64

	// Pulse and Step are rE after a unit E pulse and under a unit E step.
	Pulse, Step []float64

	// PulseI and StepI are rI for the same inputs: balanced network only,
	// nil otherwise.
	PulseI, StepI []float64
}

// AmpComparison holds the Hebbian and balanced networks matched to the same
// amplification A, with the no-recurrence reference (w = 0), sampled on a
// common time grid. See MarshalJSON for its JSON form.
type AmpComparison struct {
	A, KI float64 // matched amplification and the balanced network's kI
	TEnd  float64 // last sample time, in τ
	T     []float64

	Hebbian, Balanced, NoRecurrence AmpNetwork
}

// CompareAmplification matches a Hebbian and a balanced (Fig 1, inhibitory
// ratio kI) network to the amplification A and samples their pulse and step
// responses at nSamples evenly spaced times from 0 to tEnd (in units of τ),
// together with the response without recurrence. SuggestedWindow(A, kI) is
// a tEnd over which every curve settles.
//
// It returns an error for an invalid A or kI (see BalancedWeight), a tEnd
// that is not finite and positive, or nSamples outside [2, 2²⁰].
func CompareAmplification(A, kI float64, tEnd float64, nSamples int) (*AmpComparison, error) {
	wH, err := HebbianWeight(A)
	if err != nil {
		return nil, fmt.Errorf("compare amplification: %w", err)
	}
	wB, err := BalancedWeight(A, kI)
	if err != nil {
		return nil, fmt.Errorf("compare amplification: %w", err)
	}
	if math.IsNaN(tEnd) || math.IsInf(tEnd, 0) || tEnd <= 0 {
		return nil, fmt.Errorf("compare amplification: tEnd = %v: want a finite tEnd > 0", tEnd)
	}
	if nSamples < 2 || nSamples > maxAmpSamples {
		return nil, fmt.Errorf("compare amplification: nSamples = %d: want 2 ≤ nSamples ≤ %d", nSamples, maxAmpSamples)
	}

	n := nSamples
	buf := make([]float64, 9*n)
	col := func(i int) []float64 { return buf[i*n : (i+1)*n : (i+1)*n] }
	cmp := &AmpComparison{
		A: A, KI: kI, TEnd: tEnd, T: col(0),
		Hebbian:      ampHebbianNetwork(wH),
		Balanced:     ampBalancedNetwork(wB, kI),
		NoRecurrence: ampHebbianNetwork(0),
	}
	h, b, z := &cmp.Hebbian, &cmp.Balanced, &cmp.NoRecurrence
	h.Pulse, h.Step = col(1), col(2)
	b.Pulse, b.Step, b.PulseI, b.StepI = col(3), col(4), col(5), col(6)
	z.Pulse, z.Step = col(7), col(8)

	wFF, wPlus := wB*(1+kI), wB*(kI-1)
	dt := tEnd / float64(n-1)
	for i := range n {
		s := float64(i) * dt
		if i == n-1 {
			s = tEnd // no rounding drift at the end of the window
		}
		cmp.T[i] = s
		h.Pulse[i], h.Step[i] = HebbianPulse(wH, s), HebbianStep(wH, s)
		b.Pulse[i], b.PulseI[i], b.Step[i], b.StepI[i] = ampBalanced(wFF, wPlus, s)
		z.Pulse[i], z.Step[i] = NoRecurrencePulse(s), NoRecurrenceStep(s)
	}
	return cmp, nil
}

// ampHebbianNetwork fills the closed-form scalars of the Hebbian network
// with self-weight w < 1.
func ampHebbianNetwork(w float64) AmpNetwork {
	T := 1 / (1 - w)
	return AmpNetwork{Weight: w, Integral: T, Centroid: T, DecayTime: T, PeakT: 0, Peak: 1}
}

// ampBalancedNetwork fills the closed-form scalars of the Fig 1 circuit with
// weight w ≥ 0 and kI ≥ 1. With rE = ½[(1 + c)e^{−s} + (1 − c)e^{−as}]:
//
//	∫rE = ½[(1 + c) + (1 − c)/a]   = (1 + kI·w)/a,
//	∫s·rE = ½[(1 + c) + (1 − c)/a²] = (a² + 1 + w_FF(a + 1))/(2a²),
//
// whose ratio is 1 + w/(a(1 + kI·w)); rE′(0) = w − 1, and for w > 1 rE′ = 0
// once, at e^{−w₊s} = kI/a.
func ampBalancedNetwork(w, kI float64) AmpNetwork {
	a := 1 + w*(kI-1)
	net := AmpNetwork{
		Weight:    w,
		Integral:  (1 + kI*w) / a,
		Centroid:  1 + w/(a*(1+kI*w)),
		DecayTime: 1 / math.Min(1, a),
		PeakT:     0,
		Peak:      1,
	}
	if w > 1 {
		// s* = ln(a/kI)/w₊ = ln(1 + x)/(x)·(w − 1)/(kI·w), x = (kI − 1)(w − 1)/kI.
		x := (kI - 1) * (w - 1) / kI
		net.PeakT = (w - 1) / (kI * w) * ampPsi(x)
		net.Peak, _ = BalancedPulse(w, kI, net.PeakT)
	}
	return net
}

// ampJSONSample is one sample of an AmpNetwork in JSON. PulseI and StepI are
// present for the balanced network only.
type ampJSONSample struct {
	T      float64  `json:"t"`
	Pulse  float64  `json:"pulse"`
	Step   float64  `json:"step"`
	PulseI *float64 `json:"pulseI,omitempty"`
	StepI  *float64 `json:"stepI,omitempty"`
}

type ampJSONPeak struct {
	T     float64 `json:"t"`
	Value float64 `json:"value"`
}

type ampJSONNetwork struct {
	Weight    float64         `json:"weight"`
	Integral  float64         `json:"integral"`
	Centroid  float64         `json:"centroid"`
	DecayTime float64         `json:"decayTime"`
	Peak      ampJSONPeak     `json:"peak"`
	Samples   []ampJSONSample `json:"samples"`
}

type ampJSON struct {
	A            float64        `json:"a"`
	KI           float64        `json:"kI"`
	TEnd         float64        `json:"tEnd"`
	WHebbian     float64        `json:"wHebbian"`
	WBalanced    float64        `json:"wBalanced"`
	Hebbian      ampJSONNetwork `json:"hebbian"`
	Balanced     ampJSONNetwork `json:"balanced"`
	NoRecurrence ampJSONNetwork `json:"noRecurrence"`
}

func ampNetworkJSON(t []float64, n *AmpNetwork) (ampJSONNetwork, error) {
	out := ampJSONNetwork{
		Weight: n.Weight, Integral: n.Integral, Centroid: n.Centroid,
		DecayTime: n.DecayTime, Peak: ampJSONPeak{T: n.PeakT, Value: n.Peak},
		Samples: make([]ampJSONSample, len(t)),
	}
	if len(n.Pulse) != len(t) || len(n.Step) != len(t) ||
		(n.PulseI != nil && len(n.PulseI) != len(t)) || (n.StepI != nil && len(n.StepI) != len(t)) {
		return out, fmt.Errorf("sample columns differ in length from T (%d)", len(t))
	}
	for i := range t {
		s := &out.Samples[i]
		s.T, s.Pulse, s.Step = t[i], n.Pulse[i], n.Step[i]
		if n.PulseI != nil {
			s.PulseI = &n.PulseI[i]
		}
		if n.StepI != nil {
			s.StepI = &n.StepI[i]
		}
	}
	return out, nil
}

// MarshalJSON encodes the comparison as (times in units of τ)
//
//	{"a": A, "kI": kI, "tEnd": t_end, "wHebbian": w_H, "wBalanced": w_B,
//	 "hebbian": NET, "balanced": NET, "noRecurrence": NET}
//
// where each NET is
//
//	{"weight": w, "integral": ∫rE, "centroid": ∫t·rE/∫rE, "decayTime": T,
//	 "peak": {"t": t, "value": rE}, "samples": [{"t", "pulse", "step"}, …]}
//
// with pulse and step the rE responses; the balanced samples also carry
// "pulseI" and "stepI" (rI).
func (c AmpComparison) MarshalJSON() ([]byte, error) {
	out := ampJSON{
		A: c.A, KI: c.KI, TEnd: c.TEnd,
		WHebbian: c.Hebbian.Weight, WBalanced: c.Balanced.Weight,
	}
	var err error
	for _, p := range []struct {
		dst  *ampJSONNetwork
		src  *AmpNetwork
		name string
	}{
		{&out.Hebbian, &c.Hebbian, "hebbian"},
		{&out.Balanced, &c.Balanced, "balanced"},
		{&out.NoRecurrence, &c.NoRecurrence, "noRecurrence"},
	} {
		if *p.dst, err = ampNetworkJSON(c.T, p.src); err != nil {
			return nil, fmt.Errorf("amplification %s: %w", p.name, err)
		}
	}
	return json.Marshal(out)
}

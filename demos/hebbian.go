package demos

import (
	"context"
	"fmt"
	"math"

	"balamp/sim"
)

// Fig 2 of Murphy & Miller (2009): a Hebbian network (one E population with
// self-weight w_H) and a balanced one (the Fig 1 circuit, weight w_B and
// inhibitory ratio kI) matched to the same amplification
//
//	A = ∫₀^∞ rE dt / τ (unit E pulse) = drE/dIE (sustained input),
//	w_H = 1 − 1/A,   w_B = (A − 1)/(kI − A(kI − 1)),
//
// with the response of a population without recurrence (w = 0) as the
// reference. The Hebbian network pays for A with a decay time A·τ; the
// balanced one decays no slower than τ. Times are in units of τ.

// The time grid has at least hebbianMinSamples points, and enough to put
// hebbianPerMode samples within the balanced network's fast time constant
// τ/(1 + w₊) (which shrinks towards the ceiling), up to hebbianMaxSamples:
// smooth at any plot width the talk uses, and ≲ 0.2 ms of closed forms.
const (
	hebbianMinSamples = 601
	hebbianMaxSamples = 4001
	hebbianPerMode    = 4
	hebbianMaxDt      = 0.025 // τ
)

// Values of the hebbian demo's select controls.
const (
	hebbianPulse     = 0 // unit pulse into E: rE(0) = 1
	hebbianSustained = 1 // unit step of IE from rest

	hebbianRaw        = 0 // responses as computed
	hebbianNormalised = 1 // each response divided by its peak (drawn client-side)
)

// Hebbian is the Fig 2 demo.
type Hebbian struct{ spec Spec }

// NewHebbian returns the Fig 2 demo.
func NewHebbian() *Hebbian {
	var presets []Preset
	for _, a := range sim.AmplificationPresets() {
		label := fmt.Sprintf("%g×", a)
		if a == 4 {
			label += " (paper)"
		}
		presets = append(presets, Preset{Name: fmt.Sprintf("%gx", a), Label: label, Values: map[string]float64{"amp": a}})
	}
	return &Hebbian{spec: Spec{
		ID:       "hebbian",
		Title:    "Hebbian versus balanced amplification",
		LookFor:  "Both networks amplify an E pulse by the same factor A (equal areas under rE), but the Hebbian one pays with a decay A times slower; the balanced one stays as fast as a single neuron.",
		Equation: hebbianEquation,
		Params: []Param{
			{Name: "amp", Label: "A (amplification)", Kind: KindRange, Min: 1, Max: 20, Step: 0.01, Default: 4, Unit: "×", Digits: 2},
			{Name: "kI", Label: "k<sub>I</sub> (balanced network)", Kind: KindRange, Min: 1, Max: 3, Step: 0.01, Default: 1.1, Digits: 2},
			{Name: "input", Label: "Input to E", Kind: KindSelect, Default: hebbianPulse, Options: []Option{
				{Value: hebbianPulse, Label: "Pulse (E starts at 1)"},
				{Value: hebbianSustained, Label: "Sustained (input 1 to E from t = 0)"},
			}},
			{Name: "view", Label: "View", Kind: KindSelect, Default: hebbianRaw, Local: true, Options: []Option{
				{Value: hebbianRaw, Label: "Raw"},
				{Value: hebbianNormalised, Label: "Peak-normalised (shape only)"},
			}},
		},
		Presets:       presets,
		DefaultPreset: "4x",
		Readouts: []Readout{
			{Name: "wHebbian", Label: "w<sub>H</sub> = 1 − 1/A"},
			{Name: "wBalanced", Label: "w<sub>B</sub> (balanced weight)"},
			{Name: "ampHebbian", Label: "∫r<sub>E</sub> dt/τ, Hebbian", Unit: "×"},
			{Name: "ampBalanced", Label: "∫r<sub>E</sub> dt/τ, balanced", Unit: "×"},
			{Name: "tauHebbian", Label: "⟨t⟩ response, Hebbian", Unit: "τ"},
			{Name: "tauBalanced", Label: "⟨t⟩ response, balanced", Unit: "τ"},
			{Name: "ceiling", Label: "ceiling k<sub>I</sub>/(k<sub>I</sub>−1)", Unit: "×"},
		},
	}}
}

// Spec implements Demo.
func (d *Hebbian) Spec() *Spec { return &d.spec }

// hebbianNet is one network in the frame's meta.
type hebbianNet struct {
	W         float64 `json:"w"`         // recurrent weight (E→E, and E→I for the balanced one)
	WI        float64 `json:"wI"`        // I→E and I→I weight magnitude kI·w (balanced only)
	Centroid  float64 `json:"centroid"`  // ∫t·rE/∫rE of the pulse response, τ
	DecayTime float64 `json:"decayTime"` // time constant of the slowest mode, τ
	PeakT     float64 `json:"peakT"`     // time of the pulse response's peak, τ
	Peak      float64 `json:"peak"`      // its value
}

// hebbianMeta is the small JSON the drawing needs besides the arrays.
type hebbianMeta struct {
	A        float64    `json:"a"`
	KI       float64    `json:"kI"`
	TEnd     float64    `json:"tEnd"`
	Input    int        `json:"input"` // hebbianPulse or hebbianSustained
	Hebbian  hebbianNet `json:"hebbian"`
	Balanced hebbianNet `json:"balanced"`
}

// Run implements Demo: one frame per parameter set, from the closed forms of
// sim.CompareAmplification over sim.SuggestedWindow. An amplification at or
// above the balanced ceiling kI/(kI − 1) gives an unstable frame that says
// so and carries no arrays.
func (d *Hebbian) Run(ctx context.Context, p Params, emit func(*Frame) error) error {
	A, kI := p["amp"], p["kI"]
	input := hebbianPulse
	if p["input"] == hebbianSustained {
		input = hebbianSustained
	}
	f := &Frame{State: StateReady}
	ceil := sim.BalancedCeiling(kI)
	if math.IsInf(ceil, 1) {
		f.Readouts = map[string]string{"ceiling": "∞"}
	} else {
		f.Readout("ceiling", ceil, 2)
	}
	wH, err := sim.HebbianWeight(A)
	if err != nil {
		return fmt.Errorf("hebbian: %w", err) // Validate keeps A in [1, 20]: a programming error
	}
	f.Readout("wHebbian", wH, 3)
	f.Readout("ampHebbian", A, 2)
	f.Readout("tauHebbian", A, 2)
	if !(A < ceil) {
		for _, name := range []string{"wBalanced", "ampBalanced", "tauBalanced"} {
			f.Readouts[name] = "—"
		}
		u := Unstable(fmt.Sprintf("A = %.2f× is beyond the balanced ceiling %.2f× at kI = %.2f (w_B → ∞): lower A or kI.", A, ceil, kI))
		u.Readouts = f.Readouts
		return emit(u)
	}
	tEnd := sim.SuggestedWindow(A, kI)
	wB, err := sim.BalancedWeight(A, kI)
	if err != nil {
		return fmt.Errorf("hebbian: %w", err)
	}
	dt := math.Min(hebbianMaxDt, 1/(hebbianPerMode*(1+wB*(kI-1))))
	n := int(math.Min(hebbianMaxSamples, math.Max(hebbianMinSamples, math.Ceil(tEnd/dt)+1)))
	cmp, err := sim.CompareAmplification(A, kI, tEnd, n)
	if err != nil {
		return fmt.Errorf("hebbian: %w", err)
	}
	h, b, z := &cmp.Hebbian, &cmp.Balanced, &cmp.NoRecurrence
	f.Readout("wHebbian", h.Weight, 3)
	f.Readout("wBalanced", b.Weight, 3)
	f.Readout("ampHebbian", h.Integral, 2)
	f.Readout("ampBalanced", b.Integral, 2)
	f.Readout("tauHebbian", h.Centroid, 2)
	f.Readout("tauBalanced", b.Centroid, 2)

	f.Add("t", cmp.T)
	if input == hebbianSustained {
		f.Add("hebbian", h.Step)
		f.Add("balancedE", b.Step)
		f.Add("balancedI", b.StepI)
		f.Add("reference", z.Step)
	} else {
		f.Add("hebbian", h.Pulse)
		f.Add("balancedE", b.Pulse)
		f.Add("balancedI", b.PulseI)
		f.Add("reference", z.Pulse)
	}
	net := func(n *sim.AmpNetwork, wI float64) hebbianNet {
		return hebbianNet{W: n.Weight, WI: wI, Centroid: n.Centroid, DecayTime: n.DecayTime, PeakT: n.PeakT, Peak: n.Peak}
	}
	f.Meta = hebbianMeta{A: A, KI: kI, TEnd: cmp.TEnd, Input: input,
		Hebbian: net(h, 0), Balanced: net(b, kI*b.Weight)}
	if err := ctx.Err(); err != nil {
		return err
	}
	return emit(f)
}

// hebbianEquation is the model of the demo in MathML.
const hebbianEquation = `<math><msub><mi>A</mi><mi mathvariant="normal">H</mi></msub><mo>=</mo><mfrac><mn>1</mn><mrow><mn>1</mn><mo>−</mo><msub><mi>w</mi><mi mathvariant="normal">H</mi></msub></mrow></mfrac><mo>,</mo><mspace width="0.8em"/><msub><mi>A</mi><mi mathvariant="normal">B</mi></msub><mo>=</mo><mfrac><mrow><mn>1</mn><mo>+</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><msub><mi>w</mi><mi mathvariant="normal">B</mi></msub></mrow><mrow><mn>1</mn><mo>+</mo><mo stretchy="false">(</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><mo>−</mo><mn>1</mn><mo stretchy="false">)</mo><msub><mi>w</mi><mi mathvariant="normal">B</mi></msub></mrow></mfrac></math>`

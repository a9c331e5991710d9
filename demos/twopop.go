package demos

import (
	"context"
	"fmt"
	"math"

	"balamp/sim"
)

// Fig 1 of Murphy & Miller (2009): one excitatory and one inhibitory
// population, W = [[w, −kI·w], [w, −kI·w]], started from (rE(0), rI(0)) and
// left to decay, τ dr/dt = −r + W r. Time is in units of τ.
const (
	twoPopTEnd = 5.0   // τ: the walkthrough's window
	twoPopDt   = 0.005 // τ: 1001 samples
)

// twoPopSnapshots are the times (in τ) of the snapshot discs, as in the
// paper's Fig 1.
var twoPopSnapshots = [...]float64{0, 0.4, 0.8, 1.5, 3.0}

// walkthroughW is the weight of the public walkthrough, which reads the
// paper's "4(2/7)" as 4√(2/7) ≈ 2.13809; 30/7 (the mixed number, giving
// exactly 4× amplification) is the "Paper" preset.
var walkthroughW = 4 * math.Sqrt(2.0/7)

// TwoPop is the Fig 1 demo.
type TwoPop struct{ spec Spec }

// NewTwoPop returns the Fig 1 demo.
func NewTwoPop() *TwoPop {
	base := func(rE, rI float64) map[string]float64 {
		return map[string]float64{"w": walkthroughW, "kI": 1.1, "rE0": rE, "rI0": rI}
	}
	paper := base(1, 0)
	paper["w"] = 30.0 / 7
	return &TwoPop{spec: Spec{
		ID:       "twopop",
		Title:    "Two populations: excitation and inhibition",
		LookFor:  "An E pulse makes rE rise before it falls: the difference (E − I) drives the sum feed-forward. Equal E and I (Both equal) only decay.",
		Equation: twopopEquation,
		Params: []Param{
			{Name: "w", Label: "w (excitatory weight)", Kind: KindRange, Min: 0, Max: 10, Step: 0.01, Default: walkthroughW, Digits: 3},
			{Name: "kI", Label: "k<sub>I</sub> (inhibition / excitation)", Kind: KindRange, Min: 0.5, Max: 3, Step: 0.01, Default: 1.1, Digits: 2},
			{Name: "rE0", Label: "r<sub>E</sub>(0)", Kind: KindRange, Min: -1, Max: 1, Step: 0.01, Default: 1, Digits: 2},
			{Name: "rI0", Label: "r<sub>I</sub>(0)", Kind: KindRange, Min: -1, Max: 1, Step: 0.01, Default: 0, Digits: 2},
			{Name: "tau", Label: "τ (for the ms axis)", Kind: KindRange, Min: 1, Max: 30, Step: 1, Default: 10, Unit: "ms", Digits: 0},
		},
		Presets: []Preset{
			{Name: "rest", Label: "Rest", Values: base(0, 0)},
			{Name: "epulse", Label: "E pulse", Values: base(1, 0)},
			{Name: "ipulse", Label: "I pulse", Values: base(0, 1)},
			{Name: "both", Label: "Both equal", Values: base(1, 1)},
			{Name: "paper", Label: "Paper (w = 30/7)", Values: paper},
		},
		DefaultPreset: "epulse",
		Readouts: []Readout{
			{Name: "wFF", Label: "w<sub>FF</sub> = w(1+k<sub>I</sub>)"},
			{Name: "wPlus", Label: "w<sub>+</sub> = w(k<sub>I</sub>−1)"},
			{Name: "lambda", Label: "λ (eigenvalue of W)"},
			{Name: "gain", Label: "steady gain dr<sub>E</sub>/dI<sub>E</sub>"},
			{Name: "gMax", Label: "max ‖e<sup>At</sup>‖"},
			{Name: "angle", Label: "angle between eigenvectors", Unit: "°"},
		},
	}}
}

// Spec implements Demo.
func (d *TwoPop) Spec() *Spec { return &d.spec }

// twoPopMeta is the small JSON the drawing needs besides the arrays.
type twoPopMeta struct {
	W         float64    `json:"w"`         // E→E and E→I weight
	WI        float64    `json:"wI"`        // I→E and I→I weight magnitude kI·w
	Scale     float64    `json:"scale"`     // largest |rE|, |rI|, |sum|, |diff| of the run
	Eigvec    [2]float64 `json:"eigvec"`    // ∝ (kI, 1): the difference-driven mode (eigenvalue 0)
	Eigvec2   [2]float64 `json:"eigvec2"`   // ∝ (1, 1): the sum mode (eigenvalue −w₊)
	Angle     float64    `json:"angle"`     // degrees between them
	Snapshots []float64  `json:"snapshots"` // times of the snapshot discs, τ
	TauMs     float64    `json:"tauMs"`
	SumPeakT  float64    `json:"sumPeakT"`
	SumPeak   float64    `json:"sumPeak"`
}

// Run implements Demo: one frame per parameter set, from the closed form.
func (d *TwoPop) Run(ctx context.Context, p Params, emit func(*Frame) error) error {
	m := sim.TwoPop{W: p["w"], KI: p["kI"]}
	f := &Frame{State: StateReady}
	f.Readout("wFF", m.WFF(), 3)
	f.Readout("wPlus", m.WPlus(), 3)
	f.Readout("lambda", m.Lambda(), 3)
	if err := m.Validate(); err != nil {
		u := Unstable(fmt.Sprintf("Unstable: 1 + w₊ = %.3f ≤ 0, so the sum mode grows without bound (inhibition too weak: raise k_I above 1 or lower w).", 1+m.WPlus()))
		u.Readouts = f.Readouts
		return emit(u)
	}
	n := int(math.Round(twoPopTEnd/twoPopDt)) + 1
	t, rE, rI := make([]float64, n), make([]float64, n), make([]float64, n)
	m.SeriesInto(p["rE0"], p["rI0"], twoPopDt, t, rE, rI)
	sum, diff := make([]float64, n), make([]float64, n)
	scale := 0.0
	for i := range t {
		sum[i], diff[i] = rE[i]+rI[i], rE[i]-rI[i]
		scale = math.Max(scale, math.Max(math.Max(math.Abs(rE[i]), math.Abs(rI[i])), math.Max(math.Abs(sum[i]), math.Abs(diff[i]))))
	}
	f.Add("t", t)
	f.Add("rE", rE)
	f.Add("rI", rI)
	f.Add("sum", sum)
	f.Add("diff", diff)
	snapE, snapI := make([]float64, len(twoPopSnapshots)), make([]float64, len(twoPopSnapshots))
	for i, s := range twoPopSnapshots {
		snapE[i], snapI[i] = m.Pulse(p["rE0"], p["rI0"], s)
	}
	f.Add("snapE", snapE)
	f.Add("snapI", snapI)

	A := m.Matrix()
	for i := 0; i < 2; i++ {
		A.Set(i, i, A.At(i, i)-1)
	}
	gMax, _, _ := sim.MaxGrowth(A, 20)
	g := m.Gain()
	f.Readout("gain", g[0][0], 3)
	f.Readout("gMax", gMax, 3)
	f.Readout("angle", m.EigenvectorAngle(), 2)
	e1, e2 := m.Eigenvectors()
	pt, pv := m.SumPeak(p["rE0"], p["rI0"])
	f.Meta = twoPopMeta{W: m.W, WI: m.KI * m.W, Scale: scale, Eigvec: e1, Eigvec2: e2,
		Angle: m.EigenvectorAngle(), Snapshots: twoPopSnapshots[:], TauMs: p["tau"], SumPeakT: pt, SumPeak: pv}
	if err := ctx.Err(); err != nil {
		return err
	}
	return emit(f)
}

// twopopEquation is the model of the demo in MathML.
const twopopEquation = `<math><mi>τ</mi><mfrac><mrow><mi>d</mi><mi mathvariant="bold">r</mi></mrow><mrow><mi>d</mi><mi>t</mi></mrow></mfrac><mo>=</mo><mo>−</mo><mi mathvariant="bold">r</mi><mo>+</mo><mi>W</mi><mi mathvariant="bold">r</mi><mo>,</mo><mspace width="0.6em"/><mi>W</mi><mo>=</mo><mrow><mo>(</mo><mtable><mtr><mtd><mi>w</mi></mtd><mtd><mo>−</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><mi>w</mi></mtd></mtr><mtr><mtd><mi>w</mi></mtd><mtd><mo>−</mo><msub><mi>k</mi><mi mathvariant="normal">I</mi></msub><mi>w</mi></mtd></mtr></mtable><mo>)</mo></mrow></math>`

package demos

import (
	"context"
	"fmt"
	"math"
	"math/cmplx"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	"balamp/sim"
)

// Fig 4 of Murphy & Miller (2009), after the public walkthrough's toy: the
// upper-triangular T(b) = (1 − b)·diag(0.3, −0.1, −0.2) + b·F with its
// feed-forward part scaled by g (sim.ToyT), placed in neuron space as
// W = U T_g Uᵀ (sim.ToyW), and its true real Schur form W = Z T Zᵀ
// (sim.Schur). The dynamics are τ dr/dt = −r + W r, A = W − 1 (times in τ):
// G(t) = ‖e^{At}‖₂, the trajectory of the optimal initial pattern, what the
// eigenvalues alone predict (max_i e^{(Re λᵢ − 1)t}), and the
// ε-pseudospectra of A as σ_min(z − A) on a grid of the complex plane.
const (
	schurTEnd     = 10.0 // τ: every G(t) of the slider ranges has peaked and decayed well before
	schurSamples  = 201  // time samples of the growth curves
	schurPSGrid   = 100  // the pseudospectrum grid is schurPSGrid × schurPSGrid
	schurEpsMax   = 1.0  // largest ε contoured; the grid window contains Λ_ε for ε ≤ schurEpsMax
	schurEpsOfPSA = 0.1  // ε of the pseudospectral abscissa readout
	schurPatternT = 1.0  // τ: the time the drawn r(0) is optimal for when nothing grows
)

// schurLevels are the contour levels log₁₀ ε drawn on the pseudospectrum.
var schurLevels = [...]float64{-2, -1.5, -1, -0.5, 0}

// Schur is the Fig 4 demo.
type Schur struct{ spec Spec }

// NewSchur returns the Fig 4 demo.
func NewSchur() *Schur {
	return &Schur{spec: Spec{
		ID:       "schur",
		Title:    "Schur basis: the feed-forward structure that eigenvalues hide",
		LookFor:  "The eigenvalues barely move and all decay, yet the Schur basis shows strong feed-forward weights; raise the gain g and ‖r(t)‖ grows far above what the eigenvalues predict before it decays.",
		Equation: schurEquation,
		Params: []Param{
			{Name: "b", Label: "b (balancedness)", Kind: KindRange, Min: 0, Max: 1, Step: 0.01, Default: 0.7, Digits: 2},
			{Name: "g", Label: "g (feed-forward gain)", Kind: KindRange, Min: 0, Max: 5, Step: 0.05, Default: 1, Digits: 2},
		},
		Presets: []Preset{
			{Name: "walkthrough", Label: "Walkthrough", Values: map[string]float64{"b": 0.7, "g": 1}},
			{Name: "amplifying", Label: "g = 3", Values: map[string]float64{"b": 0.7, "g": 3}},
			{Name: "normal", Label: "Normal (b = 0)", Values: map[string]float64{"b": 0, "g": 1}},
			{Name: "feedforward", Label: "Feed-forward (b = 1)", Values: map[string]float64{"b": 1, "g": 1}},
		},
		DefaultPreset: "walkthrough",
		Readouts: []Readout{
			{Name: "eigenvalues", Label: "eigenvalues of W"},
			{Name: "T12", Label: "toy T<sub>12</sub> (2 → 1)"},
			{Name: "T13", Label: "toy T<sub>13</sub> (3 → 1)"},
			{Name: "T23", Label: "toy T<sub>23</sub> (3 → 2)"},
			{Name: "henrici", Label: "Henrici departure"},
			{Name: "omega", Label: "num. abscissa ω(A)"},
			{Name: "gMax", Label: "G<sub>max</sub> = max ‖e<sup>At</sup>‖"},
			{Name: "tMax", Label: "G<sub>max</sub> at t", Unit: "τ"},
			{Name: "psa", Label: "α<sub>ε</sub>(A), ε = 0.1"},
		},
	}}
}

// Spec implements Demo.
func (d *Schur) Spec() *Spec { return &d.spec }

// schurWindow is the rectangle of the complex plane the pseudospectrum grid
// covers, row-major with Im z outer: z = re[ix] + i·im[iy].
type schurWindow struct {
	ReMin float64 `json:"reMin"`
	ReMax float64 `json:"reMax"`
	ImMin float64 `json:"imMin"`
	ImMax float64 `json:"imMax"`
	NX    int     `json:"nx"`
	NY    int     `json:"ny"`
}

// schurMeta is the small JSON the drawing needs besides the arrays.
type schurMeta struct {
	Window        schurWindow `json:"window"`
	Levels        []float64   `json:"levels"` // log₁₀ ε of the contours
	GMax          float64     `json:"gMax"`
	TMax          float64     `json:"tMax"`
	PatternT      float64     `json:"patternT"` // r0 maximises ‖e^{At} r0‖ at this t
	Omega         float64     `json:"omega"`
	Henrici       float64     `json:"henrici"`
	Departure     float64     `json:"departure"`     // ‖T − blockdiag T‖_F of the computed Schur form
	Residual      float64     `json:"residual"`      // ‖W − Z T Zᵀ‖_F
	Orthogonality float64     `json:"orthogonality"` // ‖ZᵀZ − 1‖_F
	PSA           float64     `json:"psa"`           // pseudospectral abscissa at EpsPSA
	EpsPSA        float64     `json:"epsPSA"`
	Blocks        []int       `json:"blocks"` // first index of each 2×2 block of T
}

// Run implements Demo: one frame per parameter set.
func (d *Schur) Run(ctx context.Context, p Params, emit func(*Frame) error) error {
	f, A, err := schurFrame(p["b"], p["g"])
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	schurPseudospectra(f, A)
	if err := ctx.Err(); err != nil {
		return err
	}
	return emit(f)
}

// schurFrame computes everything of the frame but the pseudospectra: the
// toy and true Schur forms, the readouts and the growth curves. It returns
// A = W − 1 for schurPseudospectra.
func schurFrame(b, g float64) (*Frame, *mat.Dense, error) {
	f := &Frame{State: StateReady}
	toy := sim.ToyT(b, g)
	f.Readout("T12", toy.At(0, 1), 2)
	f.Readout("T13", toy.At(0, 2), 2)
	f.Readout("T23", toy.At(1, 2), 2)

	W := sim.ToyW(b, g)
	sf, err := sim.Schur(W)
	if err != nil {
		return nil, nil, fmt.Errorf("schur demo b = %v, g = %v: %w", b, g, err)
	}
	f.Readouts["eigenvalues"] = FormatEigenvalues(sf.Eigenvalues, 3)
	henrici := sim.Henrici(W)
	f.Readout("henrici", henrici, 3)

	const n = 3
	A := mat.DenseCopyOf(W)
	for i := range n {
		A.Set(i, i, A.At(i, i)-1)
	}
	omega := sim.NumericalAbscissa(A)
	f.Readout("omega", omega, 3)
	gMax, tMax, r0 := sim.MaxGrowth(A, schurTEnd)
	f.Readout("gMax", gMax, 2)
	f.Readout("tMax", tMax, 2)
	// Without transient growth G peaks at t = 0, where every unit r(0) is
	// optimal; show instead the pattern that is largest after one τ.
	patternT := tMax
	if tMax == 0 {
		patternT = schurPatternT
		_, r0 = sim.Growth(A, patternT)
	}

	// Growth curves: the optimal pattern's ‖e^{At} r₀‖, the envelope G(t),
	// and the eigenvalue-only prediction, stepping e^{A(k+1)h} = e^{Akh}·e^{Ah}
	// (rounding grows by ≈ ε per step: 200 steps are harmless for a plot).
	t := make([]float64, schurSamples)
	norm := make([]float64, schurSamples)
	envelope := make([]float64, schurSamples)
	eigPred := make([]float64, schurSamples)
	h := schurTEnd / (schurSamples - 1)
	step := sim.Expm(A, h)
	cur := mat.NewDense(n, n, nil)
	next := mat.NewDense(n, n, nil)
	for i := range n {
		cur.Set(i, i, 1)
	}
	r := mat.NewVecDense(n, append([]float64(nil), r0...))
	rn := mat.NewVecDense(n, nil)
	alpha := math.Inf(-1)
	for _, l := range sf.Eigenvalues {
		alpha = math.Max(alpha, real(l))
	}
	var svd mat.SVD
	for k := range schurSamples {
		s := float64(k) * h
		if k > 0 {
			next.Mul(cur, step)
			cur, next = next, cur
			rn.MulVec(step, r)
			r, rn = rn, r
		}
		t[k] = s
		norm[k] = mat.Norm(r, 2)
		if svd.Factorize(cur, mat.SVDNone) {
			envelope[k] = svd.Values(nil)[0]
		} else {
			envelope[k] = math.NaN() // EncodeFrame turns this into an unstable frame
		}
		eigPred[k] = math.Exp((alpha - 1) * s)
	}

	eigRe, eigIm := make([]float64, n), make([]float64, n)
	var blocks []int
	for i, l := range sf.Eigenvalues {
		eigRe[i], eigIm[i] = real(l), imag(l)
		if imag(l) > 0 {
			blocks = append(blocks, i)
		}
	}
	tff := mat.DenseCopyOf(sf.T)
	for i := range n {
		tff.Set(i, i, 0)
	}
	for _, i := range blocks { // a 2×2 block belongs to the diagonal
		tff.Set(i+1, i, 0)
		tff.Set(i, i+1, 0)
	}
	f.Add("W", W.RawMatrix().Data, n, n)
	f.Add("T", sf.T.RawMatrix().Data, n, n)
	f.Add("Z", sf.Z.RawMatrix().Data, n, n)
	f.Add("Tff", tff.RawMatrix().Data, n, n)
	f.Add("Ttoy", toy.RawMatrix().Data, n, n)
	f.Add("eigRe", eigRe)
	f.Add("eigIm", eigIm)
	f.Add("r0", r0)
	f.Add("t", t)
	f.Add("norm", norm)
	f.Add("envelope", envelope)
	f.Add("eigPred", eigPred)
	f.Meta = &schurMeta{Levels: schurLevels[:], GMax: gMax, TMax: tMax, PatternT: patternT, Omega: omega,
		Henrici: henrici, Departure: sf.Departure(), Residual: sf.Residual(), Orthogonality: sf.Orthogonality(),
		Blocks: blocks}
	return f, A, nil
}

// schurPseudospectra adds σ_min(z − A) on the window's grid to f, with the
// pseudospectral abscissa readout.
func schurPseudospectra(f *Frame, A *mat.Dense) {
	// The window contains Λ_ε(A) for every ε ≤ schurEpsMax: Λ_ε lies within
	// ε of the numerical range, whose real parts span [−ω(−A), ω(A)] and
	// imaginary parts [−s, s], s the spectral radius of the skew part (for
	// 3×3, the norm of its axial vector).
	m := f.Meta.(*schurMeta)
	neg := mat.DenseCopyOf(A)
	neg.Scale(-1, neg)
	left := -sim.NumericalAbscissa(neg) - schurEpsMax
	right := math.Max(m.Omega+schurEpsMax, 0.25) // keep the imaginary axis in view
	s01, s02, s12 := (A.At(0, 1)-A.At(1, 0))/2, (A.At(0, 2)-A.At(2, 0))/2, (A.At(1, 2)-A.At(2, 1))/2
	top := math.Sqrt(s01*s01+s02*s02+s12*s12) + schurEpsMax
	win := squareWindow(left, right, top, schurPSGrid)
	ps := sim.Pseudospectrum(A, win.ReMin, win.ReMax, win.ImMin, win.ImMax, win.NX, win.NY)
	f.Add("ps", ps, win.NY, win.NX)
	m.Window = win
	m.EpsPSA = schurEpsOfPSA
	m.PSA = sim.PseudospectralAbscissa(A, schurEpsOfPSA)
	f.Readout("psa", m.PSA, 3)
}

// squareWindow returns an n×n grid window with equal spacing in Re and Im
// that contains [left, right] × [−top, top] and is symmetric about the real
// axis (σ_min(z̄ − A) = σ_min(z − A) for real A, so the picture is too).
func squareWindow(left, right, top float64, n int) schurWindow {
	w, h := right-left, 2*top
	if h > w {
		c := (left + right) / 2
		left, right = c-h/2, c+h/2
	} else {
		top = w / 2
	}
	return schurWindow{ReMin: left, ReMax: right, ImMin: -top, ImMax: top, NX: n, NY: n}
}

// FormatEigenvalues formats eigenvalues sorted by descending real part (then
// descending imaginary part) with the given decimals, comma-separated, using
// an ASCII minus: "0.090, -0.030, -0.060". A complex-conjugate pair is
// written once as "a±bi"; an imaginary part that rounds to zero is dropped.
func FormatEigenvalues(eig []complex128, decimals int) string {
	vs := append([]complex128(nil), eig...)
	sort.SliceStable(vs, func(i, j int) bool {
		if real(vs[i]) != real(vs[j]) {
			return real(vs[i]) > real(vs[j])
		}
		return imag(vs[i]) > imag(vs[j])
	})
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		im := FormatNumber(math.Abs(imag(v)), decimals)
		re := FormatNumber(real(v), decimals)
		switch {
		case cmplx.IsNaN(v) || cmplx.IsInf(v):
			parts = append(parts, "NaN")
		case strings.Trim(im, "0.") == "":
			parts = append(parts, re)
		case imag(v) > 0:
			parts = append(parts, re+"±"+im+"i")
		}
		// imag(v) < 0: the conjugate of a pair already written
	}
	return strings.Join(parts, ", ")
}

// schurEquation is the model of the demo in MathML.
const schurEquation = `<math><mi>W</mi><mo>=</mo><mi>Z</mi><mi>T</mi><msup><mi>Z</mi><mo>⊤</mo></msup><mo>,</mo><mspace width="0.6em"/><msub><mi>T</mi><mi>g</mi></msub><mo>=</mo><mi>diag</mi><mi>T</mi><mo>+</mo><mi>g</mi><mo stretchy="false">(</mo><mi>T</mi><mo>−</mo><mi>diag</mi><mi>T</mi><mo stretchy="false">)</mo></math>`

package demos

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"balamp/sim"
)

func TestFormatEigenvalues(t *testing.T) {
	for _, tc := range []struct {
		in   []complex128
		want string
	}{
		{[]complex128{-0.03, 0.09, -0.06}, "0.090, -0.030, -0.060"},
		{[]complex128{complex(-0.5, -0.25), 0.1, complex(-0.5, 0.25)}, "0.100, -0.500±0.250i"},
		{[]complex128{complex(1e-7, 1e-6), complex(1e-7, -1e-6), -1e-9}, "0.000, 0.000, 0.000"},
		{[]complex128{-0.0001}, "0.000"},
	} {
		if got := FormatEigenvalues(tc.in, 3); got != tc.want {
			t.Errorf("FormatEigenvalues(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSchurWalkthrough checks the walkthrough's numbers (SCIENCE §5) at
// b = 0.7, g = 1 and the invariants of the computed Schur form.
func TestSchurWalkthrough(t *testing.T) {
	f, h, arrays := runOnce(t, NewSchur(), map[string]any{})
	checkFinite(t, f, h)
	for name, want := range map[string]string{
		"eigenvalues": "0.090, -0.030, -0.060",
		"T12":         "1.40",
		"T13":         "0.35",
		"T23":         "0.84",
	} {
		if got := h.Readouts[name]; got != want {
			t.Errorf("default %s = %q, want %q", name, got, want)
		}
	}
	// Henrici's departure is basis-independent: the toy T's off-diagonal
	// norm √(1.4² + 0.35² + 0.84²).
	if got, want := h.Readouts["henrici"], FormatNumber(math.Sqrt(1.4*1.4+0.35*0.35+0.84*0.84), 3); got != want {
		t.Errorf("henrici = %q, want %q", got, want)
	}
	// The walkthrough's numbers show no transient growth: ω(A) < 0, G_max = 1.
	m := f.Meta.(*schurMeta)
	if m.Omega >= 0 || h.Readouts["gMax"] != "1.00" {
		t.Errorf("ω = %v, gMax = %s; want ω < 0 and no growth", m.Omega, h.Readouts["gMax"])
	}
	// ‖W − Z T Zᵀ‖ and ‖ZᵀZ − 1‖ at rounding level (‖W‖ ≈ 2; 1e-13 is ~500 ε).
	const schurTol = 1e-13
	if m.Residual > schurTol || m.Orthogonality > schurTol {
		t.Errorf("residual %g, orthogonality %g; want < %g", m.Residual, m.Orthogonality, schurTol)
	}
	if n := len(arrays["ps"]); n != schurPSGrid*schurPSGrid {
		t.Errorf("pseudospectrum has %d points, want %d", n, schurPSGrid*schurPSGrid)
	}
}

// TestSchurFrameInvariants checks, across the sliders' corners, that the
// drawn matrices are a Schur form of the drawn W, that the growth curves are
// consistent (‖e^{At}r₀‖ ≤ G(t), equality at t_max, G ≥ the eigenvalue-only
// prediction) and that every value is finite.
func TestSchurFrameInvariants(t *testing.T) {
	// float32 arrays carry ≈ 6e-8 relative; products of three 3×3 matrices
	// with entries ≤ 10 keep the residual below 1e-4 absolute.
	const f32Tol = 1e-4
	for _, b := range []float64{0, 0.3, 0.7, 1} {
		for _, g := range []float64{0, 1, 2.5, 5} {
			t.Run(fmt.Sprintf("b=%g/g=%g", b, g), func(t *testing.T) {
				f, h, arrays := runOnce(t, NewSchur(), map[string]any{"b": b, "g": g})
				checkFinite(t, f, h)
				W := matOf(arrays["W"])
				T := matOf(arrays["T"])
				Z := matOf(arrays["Z"])
				var zt, ztz mat.Dense
				zt.Mul(Z, T)
				ztz.Mul(&zt, Z.T())
				ztz.Sub(W, &ztz)
				if r := mat.Norm(&ztz, 2); r > f32Tol*(1+mat.Norm(W, 2)) {
					t.Errorf("‖W − Z T Zᵀ‖ = %g from the frame's arrays", r)
				}
				for i := range 3 {
					for j := range i - 1 { // strictly below the subdiagonal
						if T.At(i, j) != 0 {
							t.Errorf("T[%d][%d] = %v, want 0 (quasi-triangular)", i, j, T.At(i, j))
						}
					}
				}
				// Sorted eigenvalues of the diagonal are the toy's (1 − b)·(0.3, −0.1, −0.2).
				want := FormatEigenvalues([]complex128{complex(0.3*(1-b), 0), complex(-0.1*(1-b), 0), complex(-0.2*(1-b), 0)}, 3)
				if got := h.Readouts["eigenvalues"]; got != want {
					t.Errorf("eigenvalues = %q, want %q", got, want)
				}
				norm, env, pred := arrays["norm"], arrays["envelope"], arrays["eigPred"]
				for k := range norm {
					if float64(norm[k]) > float64(env[k])*(1+1e-5) {
						t.Fatalf("‖e^{At}r₀‖ = %v > G(t) = %v at sample %d", norm[k], env[k], k)
					}
					if float64(env[k]) < float64(pred[k])*(1-1e-5) {
						t.Fatalf("G(t) = %v below the eigenvalue prediction %v at sample %d", env[k], pred[k], k)
					}
				}
				m := f.Meta.(*schurMeta)
				// The drawn pattern is optimal at PatternT: its norm there is
				// G(PatternT) (PatternT = t_max when G grows; a grid point
				// otherwise, so the test needs no interpolation there).
				k := int(math.Round(m.PatternT / (schurTEnd / (schurSamples - 1))))
				if m.TMax > 0 && m.PatternT != m.TMax {
					t.Errorf("PatternT = %v, want t_max = %v", m.PatternT, m.TMax)
				}
				if got, want := float64(norm[k]), float64(env[k]); math.Abs(got-want) > 1e-3*want {
					t.Errorf("‖e^{At}r₀‖ = %v at t ≈ %v, want G = %v", got, m.PatternT, want)
				}
				// Henrici = √(‖W‖_F² − Σλ²) takes the square root of a
				// difference that is rounding for a normal W: ≈ √ε·‖W‖_F.
				const henriciTol = 1e-7
				if b == 0 && (m.Henrici > henriciTol || m.GMax != 1) {
					t.Errorf("b = 0 (normal W): henrici %v, G_max %v; want 0 and 1", m.Henrici, m.GMax)
				}
				// The eigenvalues lie inside every ε-pseudospectrum: the grid
				// minimum of σ_min is at most the grid's half-diagonal spacing
				// (σ_min(z − A) ≤ |z − λ| for the nearest λ).
				w := m.Window
				dx := (w.ReMax - w.ReMin) / float64(w.NX-1)
				minPS := math.Inf(1)
				for _, v := range arrays["ps"] {
					minPS = math.Min(minPS, float64(v))
				}
				if minPS > dx {
					t.Errorf("min σ_min on the grid = %v, want ≤ spacing %v", minPS, dx)
				}
				// The window contains Λ_ε for ε ≤ 1: σ_min > 1 on its border.
				ps := arrays["ps"]
				for i := range w.NX {
					for _, v := range []float32{ps[i], ps[(w.NY-1)*w.NX+i], ps[i*w.NX], ps[i*w.NX+w.NX-1]} {
						if v <= schurEpsMax {
							t.Fatalf("σ_min = %v ≤ %v on the window's border", v, schurEpsMax)
						}
					}
				}
				if w.ReMax <= 0 {
					t.Errorf("window Re z ≤ %v leaves out the imaginary axis", w.ReMax)
				}
			})
		}
	}
}

// TestSchurHenriciMatchesToy checks the Henrici readout against the toy T's
// off-diagonal norm g·b·‖F‖_F for every slider value: an orthogonal change
// of basis (U) leaves it unchanged.
func TestSchurHenriciMatchesToy(t *testing.T) {
	fNorm := math.Sqrt(2*2 + 0.5*0.5 + 1.2*1.2)
	for _, b := range []float64{0.1, 0.5, 0.9} {
		for _, g := range []float64{0.5, 1, 4} {
			_, h, _ := runOnce(t, NewSchur(), map[string]any{"b": b, "g": g})
			if got, want := h.Readouts["henrici"], FormatNumber(g*b*fNorm, 3); got != want {
				t.Errorf("b = %v, g = %v: henrici = %q, want %q", b, g, got, want)
			}
		}
	}
}

func TestSchurReadoutsMove(t *testing.T) {
	_, h0, _ := runOnce(t, NewSchur(), map[string]any{"b": 0.7})
	_, h1, _ := runOnce(t, NewSchur(), map[string]any{"b": 0.8})
	for _, name := range []string{"eigenvalues", "T12", "T13", "T23", "henrici"} {
		if h0.Readouts[name] == h1.Readouts[name] {
			t.Errorf("%s = %q at b = 0.7 and at b = 0.8", name, h0.Readouts[name])
		}
	}
	if !strings.HasPrefix(h1.Readouts["eigenvalues"], "0.060,") {
		t.Errorf("eigenvalues at b = 0.8 = %q, want 0.060 first", h1.Readouts["eigenvalues"])
	}
}

func matOf(a []float32) *mat.Dense {
	d := make([]float64, len(a))
	for i, v := range a {
		d[i] = float64(v)
	}
	return mat.NewDense(3, 3, d)
}

// BenchmarkSchurFrame is the compute per parameter change of the Fig 4 demo:
// everything but the pseudospectra (target ≤ 1 ms), the pseudospectra
// (100×100 grid and α_ε; target ≤ 20 ms), and the whole Run with encoding.
func BenchmarkSchurFrame(b *testing.B) {
	b.Run("no-pseudospectrum", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := schurFrame(0.7, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	f, A, err := schurFrame(0.7, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("pseudospectrum-100x100", func(b *testing.B) {
		for b.Loop() {
			g := &Frame{Meta: &schurMeta{Omega: f.Meta.(*schurMeta).Omega}}
			schurPseudospectra(g, A)
		}
	})
	b.Run("grid-only-100x100", func(b *testing.B) {
		for b.Loop() {
			sim.Pseudospectrum(A, -2.75, 0.92, -1.83, 1.83, schurPSGrid, schurPSGrid)
		}
	})
	b.Run("run+encode", func(b *testing.B) {
		d := NewSchur()
		p := d.Spec().Defaults()
		emit := func(f *Frame) error { _, err := EncodeFrame("w", 1, f); return err }
		for b.Loop() {
			if err := d.Run(b.Context(), p, emit); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package sim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// measRandom returns an n×n matrix with standard normal entries.
func measRandom(rnd *rand.Rand, n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			m.Set(i, j, rnd.NormFloat64())
		}
	}
	return m
}

// measStable returns a random n×n matrix shifted so that its spectral
// abscissa is −margin.
func measStable(rnd *rand.Rand, n int, margin float64) *mat.Dense {
	m := measRandom(rnd, n)
	alpha := spectralAbscissa(m)
	for i := range n {
		m.Set(i, i, m.At(i, i)-alpha-margin)
	}
	return m
}

func TestExpmClosedForm(t *testing.T) {
	// e^{At} for a 2×2 Jordan block [[λ, b], [0, λ]] is e^{λt}[[1, bt], [0, 1]];
	// Padé scaling-and-squaring is accurate to ≈ 1e-15·‖At‖.
	const tol = 1e-13
	for _, tt := range []struct{ lam, b, t float64 }{{-1, 2, 0.5}, {-0.3, 9, 2}, {0, 1, 3}} {
		a := mat.NewDense(2, 2, []float64{tt.lam, tt.b, 0, tt.lam})
		got := Expm(a, tt.t)
		e := math.Exp(tt.lam * tt.t)
		want := mat.NewDense(2, 2, []float64{e, e * tt.b * tt.t, 0, e})
		if !mat.EqualApprox(got, want, tol*(1+tt.b*tt.t)) {
			t.Errorf("Expm(%v, %v) = %v, want %v", tt, tt.t, mat.Formatted(got), mat.Formatted(want))
		}
	}
}

func TestGrowth(t *testing.T) {
	// ‖e^{At} r0‖ = G and ‖r0‖ = 1, and no unit vector does better; SVD and
	// Expm errors are ≈ 1e-15·G.
	const tol = 1e-12
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 2; n <= 6; n++ {
		a := measStable(rnd, n, 0.1)
		for _, s := range []float64{0, 0.5, 2} {
			g, r0 := Growth(a, s)
			e := Expm(a, s)
			var v mat.VecDense
			v.MulVec(e, mat.NewVecDense(n, r0))
			if got := mat.Norm(&v, 2); math.Abs(got-g) > tol*g {
				t.Errorf("n=%d: ‖e^{A%v} r0‖ = %v, want G = %v", n, s, got, g)
			}
			if nr := mat.Norm(mat.NewVecDense(n, r0), 2); math.Abs(nr-1) > tol {
				t.Errorf("n=%d: ‖r0‖ = %v, want 1", n, nr)
			}
			for range 20 {
				x := mat.NewVecDense(n, nil)
				for i := range n {
					x.SetVec(i, rnd.NormFloat64())
				}
				x.ScaleVec(1/mat.Norm(x, 2), x)
				v.MulVec(e, x)
				if got := mat.Norm(&v, 2); got > g*(1+tol) {
					t.Errorf("n=%d: random ‖e^{At}x‖ = %v > G = %v", n, got, g)
				}
			}
		}
	}
}

func TestMaxGrowthVsBruteForce(t *testing.T) {
	// A grid of step h = 1e-3 under-estimates G_max by ≤ ½|G''|h² ≈ 1e-5
	// (|G''| ≲ 20 here); MaxGrowth must be ≥ the grid and within that.
	const h = 1e-3
	const tolGrid = 2e-5
	toy := ToyW(0.7, 2)
	toy.Sub(toy, measIdentity(3))
	tests := []struct {
		name string
		a    *mat.Dense
		tMax float64
	}{
		{"walkthrough", twoPopA(walkthroughPop), 5},
		{"paper", twoPopA(paperPop), 5},
		{"strong", twoPopA(TwoPop{W: 10, KI: 3}), 5},
		{"toy g=2", toy, 10},
		{"normal", mat.NewDense(2, 2, []float64{-1, 0, 0, -2}), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gMax, tAt, r0 := MaxGrowth(tt.a, tt.tMax)
			best, bestT := 0.0, 0.0
			for k := 0; k <= int(tt.tMax/h); k++ {
				if g, _ := Growth(tt.a, float64(k)*h); g > best {
					best, bestT = g, float64(k)*h
				}
			}
			if gMax < best-1e-12 || gMax > best+tolGrid {
				t.Errorf("MaxGrowth = %v at %v, want ≈ %v at %v", gMax, tAt, best, bestT)
			}
			if g, _ := Growth(tt.a, tAt); math.Abs(g-gMax) > 1e-12*gMax {
				t.Errorf("Growth(tAt = %v) = %v, want gMax = %v", tAt, g, gMax)
			}
			if len(r0) != tt.a.RawMatrix().Rows {
				t.Errorf("len(r0) = %d", len(r0))
			}
			if gMax < 1 {
				t.Errorf("gMax = %v < G(0) = 1", gMax)
			}
		})
	}
}

func twoPopA(p TwoPop) *mat.Dense {
	a := p.Matrix()
	a.Sub(a, measIdentity(2))
	return a
}

func TestNumericalAbscissaBoundsGrowth(t *testing.T) {
	// d‖r‖/ds ≤ ω‖r‖, so G(t) ≤ e^{ωt}; and G'(0⁺) = ω. Slack 1e-12 for
	// rounding; the derivative by a forward difference at h = 1e-6 has
	// error ≈ h·|G''| ≲ 1e-4.
	const tolBound = 1e-12
	const tolDeriv = 1e-4
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := 2; n <= 5; n++ {
		a := measRandom(rnd, n)
		omega := NumericalAbscissa(a)
		for _, s := range []float64{0.1, 0.5, 1} {
			if g, _ := Growth(a, s); g > math.Exp(omega*s)*(1+tolBound) {
				t.Errorf("n=%d: G(%v) = %v > e^{ωt} = %v", n, s, g, math.Exp(omega*s))
			}
		}
		const hd = 1e-6
		g, _ := Growth(a, hd)
		if d := (g - 1) / hd; omega > 0 && math.Abs(d-omega) > tolDeriv*math.Max(1, omega) {
			t.Errorf("n=%d: G'(0) ≈ %v, want ω = %v", n, d, omega)
		}
	}
}

func TestLyapunov(t *testing.T) {
	// Residual of a backward-stable solve: ≈ n²·ε·‖A‖·‖C‖ (the Kronecker
	// system is n²×n²); 1e-11 relative to ‖A‖‖C‖ + ‖Q‖ leaves margin.
	const tol = 1e-11
	rnd := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 10; n++ {
		a := measStable(rnd, n, 0.2)
		b := measRandom(rnd, n)
		var q mat.SymDense
		q.SymOuterK(1, b) // Q = B Bᵀ ⪰ 0
		c, err := Lyapunov(a, &q)
		if err != nil {
			t.Fatalf("n=%d: Lyapunov: %v", n, err)
		}
		var ac, res mat.Dense
		ac.Mul(a, c)
		res.Mul(c, a.T())
		res.Add(&res, &ac)
		res.Add(&res, &q)
		scale := mat.Norm(a, 2)*mat.Norm(c, 2) + mat.Norm(&q, 2)
		if r := mat.Norm(&res, 2); r > tol*scale {
			t.Errorf("n=%d: ‖AC + CAᵀ + Q‖ = %v, want ≤ %v", n, r, tol*scale)
		}
	}
	// Scalar closed form: a c + c a + q = 0 → c = −q/(2a).
	c, err := Lyapunov(mat.NewDense(1, 1, []float64{-2}), mat.NewSymDense(1, []float64{3}))
	if err != nil || math.Abs(c.At(0, 0)-0.75) > 1e-15 {
		t.Errorf("Lyapunov(−2, 3) = %v, %v, want 0.75", c, err)
	}
	// W = 0: C₀ = ½·1.
	c, err = Lyapunov(twoPopA(TwoPop{}), mat.NewSymDense(2, []float64{1, 0, 0, 1}))
	if err != nil || !mat.EqualApprox(c, mat.NewSymDense(2, []float64{0.5, 0, 0, 0.5}), 1e-15) {
		t.Errorf("Lyapunov(−1, 1) = %v, %v, want ½·1", c, err)
	}
}

func TestLyapunovErrors(t *testing.T) {
	q := mat.NewSymDense(2, []float64{1, 0, 0, 1})
	for _, a := range []*mat.Dense{
		mat.NewDense(2, 2, []float64{0.1, 0, 0, -1}),
		mat.NewDense(2, 2, []float64{0, 1, -1, 0}), // pure rotation, Re λ = 0
		twoPopA(TwoPop{W: 3, KI: 0}),
	} {
		if _, err := Lyapunov(a, q); !errors.Is(err, ErrUnstable) {
			t.Errorf("Lyapunov(%v) error = %v, want ErrUnstable", mat.Formatted(a), err)
		}
	}
	big := mat.NewDense(lyapunovMaxN+1, lyapunovMaxN+1, nil)
	if _, err := Lyapunov(big, mat.NewSymDense(lyapunovMaxN+1, nil)); err == nil {
		t.Errorf("Lyapunov(%d×%d) error = nil, want size error", lyapunovMaxN+1, lyapunovMaxN+1)
	}
}

func TestHenriciNormal(t *testing.T) {
	// Normal matrices have zero departure; eigenvalue rounding leaves
	// ≈ √(ε)·‖W‖ after the square root of a difference, so 1e-7.
	const tol = 1e-7
	rot := mat.NewDense(2, 2, []float64{0, -2, 2, 0})
	sym := mat.NewDense(3, 3, []float64{1, 2, 3, 2, -1, 0.5, 3, 0.5, 4})
	for _, w := range []*mat.Dense{rot, sym, measIdentity(4)} {
		if h := Henrici(w); h > tol*mat.Norm(w, 2) {
			t.Errorf("Henrici(%v) = %v, want 0", mat.Formatted(w), h)
		}
	}
}

func BenchmarkMaxGrowth3x3(b *testing.B) {
	a := ToyW(0.7, 2)
	a.Sub(a, measIdentity(3))
	b.ReportAllocs()
	for b.Loop() {
		MaxGrowth(a, 10)
	}
}

func BenchmarkMaxGrowth2x2(b *testing.B) {
	a := twoPopA(walkthroughPop)
	b.ReportAllocs()
	for b.Loop() {
		MaxGrowth(a, 5)
	}
}

func TestExpm2x2ClosedFormVsPade(t *testing.T) {
	// MaxGrowth's 2×2 closed form against gonum's Padé Expm: both are
	// accurate to a few ulps of ‖e^{At}‖ (‖At‖ ≤ 40 here), so 1e-12 relative.
	const tol = 1e-12
	rnd := rand.New(rand.NewPCG(15, 16))
	mats := []*mat.Dense{
		twoPopA(walkthroughPop), twoPopA(paperPop), twoPopA(TwoPop{W: 10, KI: 3}),
		mat.NewDense(2, 2, []float64{-1, 4, 0, -1}),       // Jordan, Δ = 0
		mat.NewDense(2, 2, []float64{-0.5, 3, -3, -0.5}),  // complex pair
		mat.NewDense(2, 2, []float64{-1, 1e-9, 1e-9, -1}), // Δ tiny
		mat.NewDense(2, 2, []float64{-1, 1, -1e-9, -1}),   // Δ² tiny negative
	}
	for range 20 {
		mats = append(mats, measRandom(rnd, 2))
	}
	at, got := mat.NewDense(2, 2, nil), mat.NewDense(2, 2, nil)
	for _, a := range mats {
		for _, s := range []float64{0, 0.01, 0.7, 3, 10} {
			expmInto(got, at, a, s)
			want := Expm(a, s)
			if !mat.EqualApprox(got, want, tol*math.Max(1, mat.Norm(want, 2))) {
				t.Errorf("expmInto(%v, %v) = %v, want Expm %v", mat.Formatted(a), s, mat.Formatted(got), mat.Formatted(want))
			}
		}
	}
}

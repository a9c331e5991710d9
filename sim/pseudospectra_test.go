package sim

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// pseudoSigmaSVD is the reference σ_min(z − A): the smallest singular value
// of the 2n×2n real embedding of z − A, by a full SVD.
func pseudoSigmaSVD(a *mat.Dense, z complex128) float64 {
	n, _ := a.Dims()
	e := mat.NewDense(2*n, 2*n, nil)
	for i := range n {
		for j := range n {
			re, im := -a.At(i, j), 0.0
			if i == j {
				re, im = re+real(z), imag(z)
			}
			e.Set(i, j, re)
			e.Set(i+n, j+n, re)
			e.Set(i, j+n, -im)
			e.Set(i+n, j, im)
		}
	}
	var svd mat.SVD
	svd.Factorize(e, mat.SVDNone)
	v := svd.Values(nil)
	return v[len(v)-1]
}

func TestPseudospectrum2x2ClosedForm(t *testing.T) {
	// σ_min² = (‖M‖_F² − √(‖M‖_F⁴ − 4|det M|²))/2, evaluated directly,
	// loses ≈ ε·‖M‖²/σ_min² relative to cancellation; the grid points here
	// keep σ_min ≳ 1e-2·‖M‖, so 1e-10 relative is safe.
	const tol = 1e-10
	a := twoPopA(paperPop)
	nx, ny := 7, 5
	got := Pseudospectrum(a, -3, 1, -2, 2, nx, ny)
	for iy := range ny {
		for ix := range nx {
			z := complex(-3+4*float64(ix)/float64(nx-1), -2+4*float64(iy)/float64(ny-1))
			m00, m01, m10, m11 := z-complex(a.At(0, 0), 0), complex(-a.At(0, 1), 0), complex(-a.At(1, 0), 0), z-complex(a.At(1, 1), 0)
			f2 := abs2(m00) + abs2(m01) + abs2(m10) + abs2(m11)
			det := cmplx.Abs(m00*m11 - m01*m10)
			want := math.Sqrt((f2 - math.Sqrt(f2*f2-4*det*det)) / 2)
			if g := got[iy*nx+ix]; math.Abs(g-want) > tol*math.Max(want, 1) {
				t.Errorf("Pseudospectrum at %v = %v, want %v", z, g, want)
			}
		}
	}
}

func TestPseudospectrumVsSVD(t *testing.T) {
	// Both are backward stable: agreement to ≈ ε·‖z − A‖·(σ₁/σ₂) absolute
	// (the adjugate route's bound); 1e-11·(1 + ‖A‖ + |z|) covers it.
	const tol = 1e-11
	rnd := rand.New(rand.NewPCG(11, 12))
	for n := 1; n <= 5; n++ {
		a := measRandom(rnd, n)
		r := newResolventSigma(a)
		for range 50 {
			z := complex(3*rnd.NormFloat64(), 3*rnd.NormFloat64())
			got, want := r.at(z), pseudoSigmaSVD(a, z)
			scale := 1 + mat.Norm(a, 2) + cmplx.Abs(z)
			if math.Abs(got-want) > tol*scale {
				t.Errorf("n=%d: σ_min(%v − A) = %v, want SVD %v", n, z, got, want)
			}
		}
	}
}

func TestPseudospectrumNormal(t *testing.T) {
	// For a normal A, σ_min(z − A) = dist(z, Λ(A)) exactly.
	const tol = 1e-12
	// Block diagonal: a rotation-scaling block (λ = −1 ± 2i) and reals.
	a := mat.NewDense(5, 5, nil)
	a.Set(0, 0, -1)
	a.Set(0, 1, 2)
	a.Set(1, 0, -2)
	a.Set(1, 1, -1)
	a.Set(2, 2, 0.5)
	a.Set(3, 3, -3)
	a.Set(4, 4, 1)
	lam := []complex128{complex(-1, 2), complex(-1, -2), 0.5, -3, 1}
	for _, sub := range []struct {
		n   int
		lam []complex128
	}{{2, lam[:2]}, {3, lam[:3]}, {5, lam}} {
		as := a.Slice(0, sub.n, 0, sub.n)
		nx, ny := 9, 9
		got := Pseudospectrum(as, -4, 2, -3, 3, nx, ny)
		for iy := range ny {
			for ix := range nx {
				z := complex(gridPoint(-4, 2, ix, nx), gridPoint(-3, 3, iy, ny))
				want := math.Inf(1)
				for _, l := range sub.lam {
					want = math.Min(want, cmplx.Abs(z-l))
				}
				if g := got[iy*nx+ix]; math.Abs(g-want) > tol*(1+want) {
					t.Errorf("n=%d: σ_min(%v − A) = %v, want dist = %v", sub.n, z, g, want)
				}
			}
		}
	}
}

func TestPseudospectralAbscissa(t *testing.T) {
	// Closed form for A = [[−1, b], [0, −1]]: σ_min depends on |z + 1| only,
	// and σ_min = ε at |z + 1|² = ε² + εb, so α_ε = −1 + √(ε(ε + b)). For a
	// normal A, α_ε = α + ε. Bisection stops at 1e-10 relative; 1e-8 allows
	// for the y-minimisation.
	const tol = 1e-8
	tests := []struct {
		name string
		a    *mat.Dense
		eps  float64
		want float64
	}{
		{"jordan b=2 ε=0.1", mat.NewDense(2, 2, []float64{-1, 2, 0, -1}), 0.1, -1 + math.Sqrt(0.1*2.1)},
		{"jordan b=9 ε=0.01", mat.NewDense(2, 2, []float64{-1, 9, 0, -1}), 0.01, -1 + math.Sqrt(0.01*9.01)},
		{"normal complex", mat.NewDense(2, 2, []float64{-1, 2, -2, -1}), 0.3, -0.7},
		{"normal real 3x3", mat.NewDense(3, 3, []float64{-1, 0, 0, 0, -0.2, 0, 0, 0, -3}), 0.05, -0.15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PseudospectralAbscissa(tt.a, tt.eps); math.Abs(got-tt.want) > tol {
				t.Errorf("PseudospectralAbscissa(%v) = %v, want %v", tt.eps, got, tt.want)
			}
		})
	}
	// Bounds α + ε ≤ α_ε ≤ ω + ε for the toy.
	a := ToyW(0.7, 2)
	a.Sub(a, measIdentity(3))
	for _, eps := range []float64{1e-3, 0.05, 0.3} {
		got := PseudospectralAbscissa(a, eps)
		lo, hi := spectralAbscissa(a)+eps, NumericalAbscissa(a)+eps
		if got < lo-tol || got > hi+tol {
			t.Errorf("toy: α_%v = %v, want in [%v, %v]", eps, got, lo, hi)
		}
	}
}

func TestKreissBounds(t *testing.T) {
	// Kreiss matrix theorem: K ≤ sup_t G(t) ≤ e·n·K. The search is a grid
	// plus refinement, so allow 1e-6 relative on the lower bound.
	const tol = 1e-6
	toy := ToyW(0.7, 2)
	toy.Sub(toy, measIdentity(3))
	for _, tt := range []struct {
		name string
		a    *mat.Dense
	}{
		{"walkthrough", twoPopA(walkthroughPop)},
		{"paper", twoPopA(paperPop)},
		{"toy g=2", toy},
		{"jordan", mat.NewDense(2, 2, []float64{-1, 4, 0, -1})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, _ := tt.a.Dims()
			k := KreissConstant(tt.a)
			g, _, _ := MaxGrowth(tt.a, 40)
			if k > g*(1+tol) || g > math.E*float64(n)*k {
				t.Errorf("K = %v, G_max = %v: want K ≤ G_max ≤ e·n·K", k, g)
			}
		})
	}
	if k := KreissConstant(mat.NewDense(1, 1, []float64{0.1})); !math.IsInf(k, 1) {
		t.Errorf("KreissConstant(unstable) = %v, want +Inf", k)
	}
	// Normal stable A: K = 1 (sup of x/(x − α) as x → ∞).
	if k := KreissConstant(mat.NewDense(2, 2, []float64{-1, 0, 0, -2})); math.Abs(k-1) > 1e-3 {
		t.Errorf("KreissConstant(normal) = %v, want 1", k)
	}
}

func BenchmarkPseudospectrum100x100(b *testing.B) {
	a := ToyW(0.7, 2)
	a.Sub(a, measIdentity(3))
	b.ReportAllocs()
	for b.Loop() {
		Pseudospectrum(a, -2, 1, -1.5, 1.5, 100, 100)
	}
}

func BenchmarkPseudospectralAbscissa3x3(b *testing.B) {
	a := ToyW(0.7, 2)
	a.Sub(a, measIdentity(3))
	b.ReportAllocs()
	for b.Loop() {
		PseudospectralAbscissa(a, 0.05)
	}
}

func TestHermitian3MaxEig(t *testing.T) {
	// Largest eigenvalue of Q diag(λ) Qᵀ, including (nearly) double and
	// triple top eigenvalues where the plain trigonometric formula loses half
	// the digits; backward-stable accuracy is a few ε·‖H‖.
	const tol = 1e-14
	rnd := rand.New(rand.NewPCG(13, 14))
	for _, lam := range [][3]float64{
		{2, 2, 1}, {2, 2 + 1e-9, 1}, {1, 1, 1}, {3, 1, 1}, {5, -1, 0.3}, {0, 0, 1e-8}, {1e3, 1e3, -1e3},
	} {
		q := measOrthogonal(rnd, 3)
		var qd, h mat.Dense
		qd.Mul(q, mat.NewDiagDense(3, lam[:]))
		h.Mul(&qd, q.T())
		got := hermitian3MaxEig(h.At(0, 0), h.At(1, 1), h.At(2, 2),
			complex(h.At(0, 1), 0), complex(h.At(0, 2), 0), complex(h.At(1, 2), 0))
		want := math.Max(lam[0], math.Max(lam[1], lam[2]))
		scale := math.Max(math.Abs(lam[0]), math.Max(math.Abs(lam[1]), math.Abs(lam[2])))
		if math.Abs(got-want) > tol*10*scale {
			t.Errorf("hermitian3MaxEig(Q diag%v Qᵀ) = %v, want %v", lam, got, want)
		}
	}
}

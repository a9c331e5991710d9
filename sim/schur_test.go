package sim

import (
	"cmp"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// schurBackwardTol is the factor c in the tolerance c·n·ε·‖W‖_F for the
// residual and orthogonality of a Schur form: Householder reduction and QR
// iterations are backward stable with constants of this order in practice.
const schurBackwardTol = 50

func schurCheck(t *testing.T, name string, w *mat.Dense) *SchurForm {
	t.Helper()
	n, _ := w.Dims()
	sf, err := Schur(w)
	if err != nil {
		t.Fatalf("%s: Schur: %v", name, err)
	}
	eps := math.Nextafter(1, 2) - 1
	tol := schurBackwardTol * float64(n) * eps
	if r := sf.Residual(); r > tol*math.Max(mat.Norm(w, 2), 1) {
		t.Errorf("%s: Residual() = %g, want ≤ %g", name, r, tol*mat.Norm(w, 2))
	}
	if o := sf.Orthogonality(); o > tol {
		t.Errorf("%s: Orthogonality() = %g, want ≤ %g", name, o, tol)
	}
	// T is quasi-upper-triangular: nothing below the subdiagonal, and a
	// subdiagonal entry only inside a 2×2 block of a complex pair.
	for i := 1; i < n; i++ {
		for j := 0; j < i; j++ {
			v := sf.T.At(i, j)
			if j == i-1 && imag(sf.Eigenvalues[j]) > 0 {
				continue
			}
			if v != 0 {
				t.Errorf("%s: T[%d][%d] = %g, want 0", name, i, j, v)
			}
		}
	}
	return sf
}

func TestSchurRandom(t *testing.T) {
	for n := 2; n <= 12; n++ {
		for seed := uint64(0); seed < 5; seed++ {
			rnd := rand.New(rand.NewPCG(seed, uint64(n)))
			w := measRandom(rnd, n)
			sf := schurCheck(t, "random", w)
			// Eigenvalues agree with mat.Eigen (well-conditioned here).
			var eig mat.Eigen
			if !eig.Factorize(w, mat.EigenNone) {
				t.Fatal("Eigen failed")
			}
			got, want := sortedEig(sf.Eigenvalues), sortedEig(eig.Values(nil))
			for i := range got {
				if cmplx.Abs(got[i]-want[i]) > 1e-8*mat.Norm(w, 2) {
					t.Errorf("n=%d seed=%d: eigenvalue %d = %v, want %v", n, seed, i, got[i], want[i])
				}
			}
		}
	}
}

func sortedEig(v []complex128) []complex128 {
	s := slices.Clone(v)
	slices.SortFunc(s, func(a, b complex128) int {
		if c := cmp.Compare(real(b), real(a)); c != 0 {
			return c
		}
		return cmp.Compare(imag(b), imag(a))
	})
	return s
}

func TestSchurDefective(t *testing.T) {
	// A 5×5 Jordan block and the same in a rotated basis: eigenvalues are
	// ill-conditioned (ε^{1/5}) but the residual and orthogonality are not.
	n := 5
	j := mat.NewDense(n, n, nil)
	for i := range n {
		j.Set(i, i, -0.5)
		if i+1 < n {
			j.Set(i, i+1, 1)
		}
	}
	schurCheck(t, "jordan", j)
	q := measOrthogonal(rand.New(rand.NewPCG(7, 8)), n)
	var qj, w mat.Dense
	qj.Mul(q, j)
	w.Mul(&qj, q.T())
	schurCheck(t, "rotated jordan", &w)
	// 1×1 and the two-population W.
	schurCheck(t, "1x1", mat.NewDense(1, 1, []float64{3}))
	sf := schurCheck(t, "twopop", paperPop.Matrix())
	got := sortedEig(sf.Eigenvalues)
	if cmplx.Abs(got[0]) > 1e-13 || cmplx.Abs(got[1]-complex(paperPop.Lambda(), 0)) > 1e-13 {
		t.Errorf("Schur(TwoPop W) eigenvalues = %v, want 0, %v", got, paperPop.Lambda())
	}
	if d := sf.Departure(); math.Abs(d-paperPop.WFF()) > 1e-12 {
		t.Errorf("Departure(TwoPop W) = %v, want w_FF = %v", d, paperPop.WFF())
	}
}

// measOrthogonal returns a random n×n orthogonal matrix (Q of a QR).
func measOrthogonal(rnd *rand.Rand, n int) *mat.Dense {
	var qr mat.QR
	qr.Factorize(measRandom(rnd, n))
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

func TestHenriciInvariant(t *testing.T) {
	// Eigenvalues of a random W are perturbed by ≈ ε·κ·‖W‖ with modest κ;
	// 1e-9 relative covers Σ|λ|² under a change of basis.
	const tol = 1e-9
	rnd := rand.New(rand.NewPCG(9, 10))
	for n := 2; n <= 8; n++ {
		w := measRandom(rnd, n)
		q := measOrthogonal(rnd, n)
		var qw, w2 mat.Dense
		qw.Mul(q, w)
		w2.Mul(&qw, q.T())
		h1, h2 := Henrici(w), Henrici(&w2)
		if math.Abs(h1-h2) > tol*mat.Norm(w, 2) {
			t.Errorf("n=%d: Henrici(QWQᵀ) = %v, want Henrici(W) = %v", n, h2, h1)
		}
	}
}

func TestToy(t *testing.T) {
	// Entries are products of short decimals: exact to a few ulps.
	const tol = 1e-12
	tm := ToyT(0.7, 1)
	for _, e := range []struct {
		i, j int
		want float64
	}{{0, 0, 0.09}, {1, 1, -0.03}, {2, 2, -0.06}, {0, 1, 1.40}, {0, 2, 0.35}, {1, 2, 0.84}, {1, 0, 0}} {
		if got := tm.At(e.i, e.j); math.Abs(got-e.want) > tol {
			t.Errorf("ToyT(0.7, 1)[%d][%d] = %v, want %v", e.i, e.j, got, e.want)
		}
	}
	u := ToyBasis()
	var uu mat.Dense
	uu.Mul(u, u.T())
	if !mat.EqualApprox(&uu, measIdentity(3), tol) || !mat.Equal(u, u.T()) {
		t.Errorf("ToyBasis() = %v is not symmetric orthogonal", mat.Formatted(u))
	}

	w := ToyW(0.7, 1)
	sf := schurCheck(t, "toy", w)
	got := sortedEig(sf.Eigenvalues)
	for i, want := range []float64{0.09, -0.03, -0.06} {
		if cmplx.Abs(got[i]-complex(want, 0)) > tol {
			t.Errorf("ToyW eigenvalue %d = %v, want %v", i, got[i], want)
		}
	}
	wantH := math.Sqrt(1.40*1.40 + 0.35*0.35 + 0.84*0.84)
	if h := Henrici(w); math.Abs(h-wantH) > 1e-10 {
		t.Errorf("Henrici(ToyW(0.7, 1)) = %v, want %v", h, wantH)
	}
	if d := sf.Departure(); math.Abs(d-wantH) > 1e-10 {
		t.Errorf("Schur(ToyW(0.7, 1)).Departure() = %v, want %v", d, wantH)
	}

	// With g = 1 τṙ = −r + Wr has no transient growth (ω(W − 1) < 0, the
	// walkthrough's flaw); a larger feed-forward gain restores it.
	omega := func(g float64) float64 {
		a := ToyW(0.7, g)
		a.Sub(a, measIdentity(3))
		return NumericalAbscissa(a)
	}
	if o := omega(1); !(o < 0) {
		t.Errorf("ω(ToyW(0.7, 1) − 1) = %v, want < 0", o)
	}
	if o := omega(2); !(o > 0) {
		t.Errorf("ω(ToyW(0.7, 2) − 1) = %v, want > 0", o)
	}
	// ω is a basis invariant: ω(W − 1) = ω(T − 1).
	tg := ToyT(0.7, 2)
	tg.Sub(tg, measIdentity(3))
	if o, ot := omega(2), NumericalAbscissa(tg); math.Abs(o-ot) > tol {
		t.Errorf("ω(W − 1) = %v, want ω(T − 1) = %v", o, ot)
	}
}

func BenchmarkSchurToy(b *testing.B) {
	w := ToyW(0.7, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Schur(w); err != nil {
			b.Fatal(err)
		}
	}
}

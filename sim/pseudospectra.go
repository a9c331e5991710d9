package sim

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
)

// resolventSigma evaluates σ_min(z·1 − A) for a fixed real square A at many
// complex z. For n ≤ 3 it uses closed forms and does not allocate; larger n
// goes through an SVD of the 2n×2n real embedding [[Re M, −Im M],
// [Im M, Re M]] of M = z − A, whose singular values are those of M, each
// twice.
type resolventSigma struct {
	n   int
	a3  [3][3]float64 // A for n ≤ 3
	a   *mat.Dense    // A for n > 3
	emb *mat.Dense    // embedding workspace for n > 3
	svd mat.SVD
}

func newResolventSigma(A mat.Matrix) *resolventSigma {
	n, c := A.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	r := &resolventSigma{n: n}
	if n <= 3 {
		for i := range n {
			for j := range n {
				r.a3[i][j] = A.At(i, j)
			}
		}
		return r
	}
	r.a = mat.DenseCopyOf(A)
	r.emb = mat.NewDense(2*n, 2*n, nil)
	return r
}

// at returns σ_min(z − A).
func (r *resolventSigma) at(z complex128) float64 {
	switch r.n {
	case 0:
		return math.Inf(1)
	case 1:
		return cmplx.Abs(z - complex(r.a3[0][0], 0))
	case 2:
		return r.at2(z)
	case 3:
		return r.at3(z)
	}
	n := r.n
	for i := range n {
		for j := range n {
			re := -r.a.At(i, j)
			im := 0.0
			if i == j {
				re += real(z)
				im = imag(z)
			}
			r.emb.Set(i, j, re)
			r.emb.Set(i+n, j+n, re)
			r.emb.Set(i, j+n, -im)
			r.emb.Set(i+n, j, im)
		}
	}
	if !r.svd.Factorize(r.emb, mat.SVDNone) {
		return math.NaN()
	}
	return r.svd.Values(nil)[2*n-1]
}

// at2 uses σ_max² = (‖M‖_F² + √(‖M‖_F⁴ − 4|det M|²))/2 and σ_min =
// |det M|/σ_max, which avoids the cancellation of the "−" root.
func (r *resolventSigma) at2(z complex128) float64 {
	m00 := z - complex(r.a3[0][0], 0)
	m01 := complex(-r.a3[0][1], 0)
	m10 := complex(-r.a3[1][0], 0)
	m11 := z - complex(r.a3[1][1], 0)
	f2 := abs2(m00) + abs2(m01) + abs2(m10) + abs2(m11)
	det := cmplx.Abs(m00*m11 - m01*m10)
	smax := math.Sqrt((f2 + math.Sqrt(math.Max(0, f2*f2-4*det*det))) / 2)
	if smax == 0 {
		return 0
	}
	return det / smax
}

// at3 uses σ_min(M) = |det M|/σ_max(adj M): the singular values of adj M are
// σ₁σ₂, σ₁σ₃, σ₂σ₃, and the largest eigenvalue of the Hermitian (adj M)ᴴ
// adj M comes accurately from the trigonometric solution of its cubic.
// The absolute error is about ε·σ₁²/σ₂, as good as an SVD's ε·σ₁ unless z
// is near a nearly defective eigenvalue.
func (r *resolventSigma) at3(z complex128) float64 {
	var m [3][3]complex128
	for i := range 3 {
		for j := range 3 {
			m[i][j] = complex(-r.a3[i][j], 0)
		}
		m[i][i] += z
	}
	// Cofactors c[i][j] = (−1)^{i+j}·minor(i, j).
	var c [3][3]complex128
	for i := range 3 {
		i1, i2 := (i+1)%3, (i+2)%3
		for j := range 3 {
			j1, j2 := (j+1)%3, (j+2)%3
			// Cyclic indices give the sign (−1)^{i+j} automatically.
			c[i][j] = m[i1][j1]*m[i2][j2] - m[i1][j2]*m[i2][j1]
		}
	}
	det := cmplx.Abs(m[0][0]*c[0][0] + m[0][1]*c[0][1] + m[0][2]*c[0][2])
	// H = Cᴴ C, Hermitian positive semidefinite.
	var h [3][3]complex128
	for i := range 3 {
		for j := i; j < 3; j++ {
			var s complex128
			for k := range 3 {
				s += cmplx.Conj(c[k][i]) * c[k][j]
			}
			h[i][j] = s
		}
	}
	lmax := hermitian3MaxEig(real(h[0][0]), real(h[1][1]), real(h[2][2]), h[0][1], h[0][2], h[1][2])
	if !(lmax > 0) {
		return 0
	}
	return det / math.Sqrt(lmax)
}

func abs2(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

// hermitian3MaxEig returns the largest eigenvalue of the Hermitian
// H = [[d0, h01, h02], [·, d1, h12], [·, ·, d2]], accurate to ≈ ε·‖H‖.
//
// The trigonometric solution of the characteristic cubic, λ_k = q +
// 2p·cos(φ + 2πk/3) with cos 3φ = r, gives λ_max accurately for r ≥ 0, but
// near r = −1 (λ_max nearly double) it loses half the digits. There the
// smallest eigenvalue is the well-separated one and its trigonometric value
// is accurate; hermitian3MaxEig then deflates it (its eigenvector is a cross
// product of two rows of H − λ_min) and takes λ_max of the 2×2 Hermitian
// that H leaves on the orthogonal complement, in closed form.
func hermitian3MaxEig(d0, d1, d2 float64, h01, h02, h12 complex128) float64 {
	p1 := abs2(h01) + abs2(h02) + abs2(h12)
	q := (d0 + d1 + d2) / 3
	b0, b1, b2 := d0-q, d1-q, d2-q
	p2 := b0*b0 + b1*b1 + b2*b2 + 2*p1
	if p2 == 0 {
		return q
	}
	p := math.Sqrt(p2 / 6)
	// det(H − q) for a Hermitian matrix.
	det := b0*b1*b2 + 2*real(h01*h12*cmplx.Conj(h02)) -
		b0*abs2(h12) - b1*abs2(h02) - b2*abs2(h01)
	rr := det / (2 * p * p * p)
	rr = math.Max(-1, math.Min(1, rr))
	phi := math.Acos(rr) / 3
	if rr >= 0 {
		return q + 2*p*math.Cos(phi)
	}
	lmin := q + 2*p*math.Cos(phi+2*math.Pi/3)

	h := [3][3]complex128{
		{complex(d0, 0), h01, h02},
		{cmplx.Conj(h01), complex(d1, 0), h12},
		{cmplx.Conj(h02), cmplx.Conj(h12), complex(d2, 0)},
	}
	var bm [3][3]complex128
	for i := range 3 {
		bm[i] = h[i]
		bm[i][i] -= complex(lmin, 0)
	}
	// Null vector of the (rank-2) B = H − λ_min: the largest cross product
	// of two rows (b_i·(b_i × b_j) = 0 holds without conjugation).
	var v [3]complex128
	var vn float64
	for _, pr := range [3][2]int{{0, 1}, {0, 2}, {1, 2}} {
		c := cross3(bm[pr[0]], bm[pr[1]])
		if n := abs2(c[0]) + abs2(c[1]) + abs2(c[2]); n > vn {
			v, vn = c, n
		}
	}
	if vn == 0 { // H − λ_min has rank ≤ 1: λ_max is the trace of the rest
		return d0 + d1 + d2 - 2*lmin
	}
	scale3(&v, 1/math.Sqrt(vn))
	// Orthonormal u1, u2 spanning v⊥: Gram–Schmidt on the unit vector where
	// v is smallest, then u2 = conj(v × u1).
	k := 0
	for i := 1; i < 3; i++ {
		if cmplx.Abs(v[i]) < cmplx.Abs(v[k]) {
			k = i
		}
	}
	var u1 [3]complex128
	u1[k] = 1
	vk := cmplx.Conj(v[k]) // ⟨v, e_k⟩
	for i := range 3 {
		u1[i] -= vk * v[i]
	}
	scale3(&u1, 1/math.Sqrt(abs2(u1[0])+abs2(u1[1])+abs2(u1[2])))
	u2 := cross3(v, u1)
	for i := range 3 {
		u2[i] = cmplx.Conj(u2[i])
	}
	scale3(&u2, 1/math.Sqrt(abs2(u2[0])+abs2(u2[1])+abs2(u2[2])))
	quad := func(x, y [3]complex128) complex128 { // xᴴ H y
		var s complex128
		for i := range 3 {
			var hy complex128
			for j := range 3 {
				hy += h[i][j] * y[j]
			}
			s += cmplx.Conj(x[i]) * hy
		}
		return s
	}
	g11, g22, g12 := real(quad(u1, u1)), real(quad(u2, u2)), quad(u1, u2)
	return (g11+g22)/2 + math.Hypot((g11-g22)/2, cmplx.Abs(g12))
}

func cross3(a, b [3]complex128) [3]complex128 {
	return [3]complex128{
		a[1]*b[2] - a[2]*b[1],
		a[2]*b[0] - a[0]*b[2],
		a[0]*b[1] - a[1]*b[0],
	}
}

func scale3(v *[3]complex128, f float64) {
	for i := range v {
		v[i] *= complex(f, 0)
	}
}

// Pseudospectrum returns σ_min(z − A) on the nx×ny grid of
// z = x + iy, x from reMin to reMax, y from imMin to imMax (endpoints
// included; a single point when nx or ny is 1), row-major with y outer:
// out[iy·nx + ix]. The ε-pseudospectrum is {z : σ_min(z − A) ≤ ε}. For n ≤ 3
// the cost is ≈ 0.1 µs per point; larger n use an SVD of a 2n×2n real
// matrix per point. It panics if A is not square or nx, ny < 1.
func Pseudospectrum(A mat.Matrix, reMin, reMax, imMin, imMax float64, nx, ny int) []float64 {
	if nx < 1 || ny < 1 {
		panic("sim: Pseudospectrum: grid must be at least 1×1")
	}
	r := newResolventSigma(A)
	out := make([]float64, nx*ny)
	for iy := range ny {
		y := gridPoint(imMin, imMax, iy, ny)
		for ix := range nx {
			out[iy*nx+ix] = r.at(complex(gridPoint(reMin, reMax, ix, nx), y))
		}
	}
	return out
}

// gridPoint returns the k-th of n equally spaced points from lo to hi.
func gridPoint(lo, hi float64, k, n int) float64 {
	if n == 1 {
		return lo
	}
	return lo + (hi-lo)*float64(k)/float64(n-1)
}

// Grid sizes of the 1-D searches behind PseudospectralAbscissa and
// KreissConstant. 256 points in y on [0, ‖A‖_F + ε] resolve every valley of
// σ_min wider than ‖A‖_F/256; each grid local minimum is then refined.
const (
	pseudoYGrid = 256
	pseudoXScan = 64
)

// minOverY returns min over y ∈ [0, yMax] of σ_min(x + iy − A): a grid of
// pseudoYGrid points, then golden-section refinement around every grid local
// minimum. For real A, σ_min(z̄ − A) = σ_min(z − A), so y ≥ 0 suffices.
func (r *resolventSigma) minOverY(x, yMax float64) float64 {
	h := yMax / (pseudoYGrid - 1)
	var vals [pseudoYGrid]float64
	for k := range vals {
		vals[k] = r.at(complex(x, float64(k)*h))
	}
	best := math.Inf(1)
	for k, v := range vals {
		best = math.Min(best, v)
		left := k == 0 || vals[k-1] >= v
		right := k == len(vals)-1 || vals[k+1] >= v
		if !left || !right {
			continue
		}
		lo, hi := math.Max(0, float64(k-1)*h), math.Min(yMax, float64(k+1)*h)
		_, f := goldenMax(func(y float64) float64 { return -r.at(complex(x, y)) }, lo, hi, 1e-10*yMax)
		best = math.Min(best, -f)
	}
	return best
}

// PseudospectralAbscissa returns α_ε(A) = max{Re z : σ_min(z − A) ≤ ε}, the
// rightmost point of the ε-pseudospectrum of the real square matrix A.
// It lies in [α(A) + ε, ω(A) + ε] (α the spectral abscissa, ω the numerical
// abscissa): σ_min(z − A) ≤ |z − λ| gives the lower bound and
// σ_min(z − A) ≥ Re z − ω the upper. PseudospectralAbscissa scans that
// interval from the right in pseudoXScan steps, evaluating
// f(x) = min_y σ_min(x + iy − A) by minOverY, and bisects the first crossing
// of f = ε to a relative accuracy of 1e-10. Pseudospectrum components
// narrower than both grid spacings can be missed. A 3×3 A takes a few ms.
// It panics if ε ≤ 0.
func PseudospectralAbscissa(A mat.Matrix, eps float64) float64 {
	if !(eps > 0) {
		panic("sim: PseudospectralAbscissa: ε must be positive")
	}
	r := newResolventSigma(A)
	if r.n == 0 {
		return math.Inf(-1)
	}
	alpha := spectralAbscissa(A)
	lo := alpha + eps
	hi := NumericalAbscissa(A) + eps
	if !(hi > lo) {
		return lo
	}
	yMax := mat.Norm(A, 2) + eps // Frobenius ≥ ‖A‖₂ ≥ |Im z| − ε on Λ_ε
	inside := func(x float64) bool { return r.minOverY(x, yMax) <= eps }
	step := (hi - lo) / pseudoXScan
	out := hi
	in := lo
	for k := 1; k <= pseudoXScan; k++ {
		x := hi - float64(k)*step
		if k == pseudoXScan || inside(x) {
			in = x
			break
		}
		out = x
	}
	tol := 1e-10 * math.Max(1, math.Abs(hi)+math.Abs(lo))
	for out-in > tol {
		mid := (in + out) / 2
		if inside(mid) {
			in = mid
		} else {
			out = mid
		}
	}
	return in
}

// spectralAbscissa returns max Re λ over the eigenvalues of A.
func spectralAbscissa(A mat.Matrix) float64 {
	var eig mat.Eigen
	if !eig.Factorize(A, mat.EigenNone) {
		return math.NaN()
	}
	a := math.Inf(-1)
	for _, l := range eig.Values(nil) {
		a = math.Max(a, real(l))
	}
	return a
}

// KreissConstant returns K(A) = sup over Re z > 0 of Re z·‖(z − A)⁻¹‖₂
// = sup_{x>0} x / min_y σ_min(x + iy − A), which bounds the transient growth
// K ≤ sup_t ‖e^{At}‖₂ ≤ e·n·K. It scans x on a logarithmic grid over
// [10⁻⁴, 10⁴]·max(‖A‖_F, 1) and refines the best point by golden-section
// search in log x. It returns +Inf if A has an eigenvalue with Re λ ≥ 0.
func KreissConstant(A mat.Matrix) float64 {
	r := newResolventSigma(A)
	if r.n == 0 {
		return 0
	}
	alpha := spectralAbscissa(A)
	if !(alpha < 0) {
		return math.Inf(1)
	}
	norm := mat.Norm(A, 2) // Frobenius, an upper bound on ‖A‖₂
	scale := math.Max(norm, 1)
	// min_y σ_min(x + iy − A) ≤ x − α (at y = Im λ of the rightmost λ), and
	// σ_min ≥ |y| − ‖A‖₂, so the minimising y has |y| ≤ ‖A‖₂ + x − α ≤ ‖A‖_F + x − α.
	ratio := func(logX float64) float64 {
		x := math.Exp(logX)
		return x / r.minOverY(x, norm+x-alpha)
	}
	const nScan = 80
	lo, hi := math.Log(1e-4*scale), math.Log(1e4*scale)
	h := (hi - lo) / nScan
	best, bestL := math.Inf(-1), lo
	for k := 0; k <= nScan; k++ {
		l := lo + float64(k)*h
		if v := ratio(l); v > best {
			best, bestL = v, l
		}
	}
	_, v := goldenMax(ratio, math.Max(lo, bestL-h), math.Min(hi, bestL+h), 1e-8)
	return math.Max(best, v)
}

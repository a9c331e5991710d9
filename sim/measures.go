package sim

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
)

// Measures of non-normal amplification for the linear system dr/ds = A r,
// with A = W − 1 when τ = 1 (times in units of τ).

// Expm returns the matrix exponential e^{At}. It panics if A is not square.
func Expm(A *mat.Dense, t float64) *mat.Dense {
	r, c := A.Dims()
	if r != c {
		panic(mat.ErrSquare)
	}
	var at, e mat.Dense
	at.Scale(t, A)
	e.Exp(&at)
	return &e
}

// Growth returns G(t) = ‖e^{At}‖₂, the largest ‖r(t)‖ over unit initial
// states, and the unit r(0) that attains it (the top right singular vector of
// e^{At}, its largest-magnitude entry made positive).
func Growth(A mat.Matrix, t float64) (g float64, r0 []float64) {
	e := Expm(mat.DenseCopyOf(A), t)
	var svd mat.SVD
	if !svd.Factorize(e, mat.SVDThin) {
		return math.NaN(), nil
	}
	var v mat.Dense
	svd.VTo(&v)
	n, _ := v.Dims()
	r0 = make([]float64, n)
	mat.Col(r0, 0, &v)
	signCanonical(r0)
	return svd.Values(nil)[0], r0
}

// signCanonical flips v so that its largest-magnitude entry is positive.
func signCanonical(v []float64) {
	best := 0
	for i, x := range v {
		if math.Abs(x) > math.Abs(v[best]) {
			best = i
		}
	}
	if len(v) > 0 && v[best] < 0 {
		for i := range v {
			v[i] = -v[i]
		}
	}
}

// growthNorm returns ‖e^{At}‖₂ (spectral norm) using at and dst as
// workspace; see expmInto and spectralNormSmall.
func growthNorm(at, dst *mat.Dense, A *mat.Dense, t float64) float64 {
	expmInto(dst, at, A, t)
	return spectralNormSmall(dst)
}

// expmInto sets dst = e^{At}, using at as workspace. For 2×2 it uses the
// closed form (Putzer), with m = tr A/2 and Δ² = m² − det A,
//
//	e^{At} = e^{mt}·[cosh(Δt)·1 + (sinh(Δt)/Δ)·(A − m·1)],
//
// (cos and sin(Δ′t)/Δ′ with Δ′² = −Δ² when Δ² < 0, t when Δ = 0), accurate to
// a few ulps of ‖e^{At}‖; otherwise mat.Dense.Exp (Padé, scaling and
// squaring).
func expmInto(dst, at, A *mat.Dense, t float64) {
	if n, _ := A.Dims(); n != 2 {
		at.Scale(t, A)
		dst.Exp(at)
		return
	}
	a, b, c, d := A.At(0, 0), A.At(0, 1), A.At(1, 0), A.At(1, 1)
	m := (a + d) / 2
	h := (a - d) / 2 // A − m·1 = [[h, b], [c, −h]], (A − m)² = Δ²·1
	d2 := h*h + b*c  // Δ² = m² − det A
	// ch = e^{mt}·cosh(Δt), sh = e^{mt}·sinh(Δt)/Δ, written with e^{(m±Δ)t} so
	// that a large Δt cannot overflow cosh while e^{mt} underflows.
	var ch, sh float64
	switch {
	case d2 > 0:
		r := math.Sqrt(d2)
		ep := math.Exp((m + r) * t)
		ch = (ep + math.Exp((m-r)*t)) / 2
		sh = -ep * math.Expm1(-2*r*t) / (2 * r)
	case d2 < 0:
		r := math.Sqrt(-d2)
		e := math.Exp(m * t)
		ch, sh = e*math.Cos(r*t), e*math.Sin(r*t)/r
	default:
		e := math.Exp(m * t)
		ch, sh = e, e*t
	}
	dst.Set(0, 0, ch+sh*h)
	dst.Set(0, 1, sh*b)
	dst.Set(1, 0, sh*c)
	dst.Set(1, 1, ch-sh*h)
}

// spectralNormSmall returns ‖M‖₂ for a square M: the closed form
// σ_max² = (‖M‖_F² + √(‖M‖_F⁴ − 4 det²M))/2 for 2×2, the largest eigenvalue
// of MᵀM by hermitian3MaxEig for 3×3, an SVD otherwise.
func spectralNormSmall(dst *mat.Dense) float64 {
	n, _ := dst.Dims()
	if n == 2 {
		a, b, c, d := dst.At(0, 0), dst.At(0, 1), dst.At(1, 0), dst.At(1, 1)
		f2 := a*a + b*b + c*c + d*d
		det := a*d - b*c
		disc := math.Max(0, f2*f2-4*det*det)
		return math.Sqrt((f2 + math.Sqrt(disc)) / 2)
	}
	if n == 3 {
		// λ_max of the symmetric EᵀE, accurate to ≈ ε relative.
		var g [3][3]float64
		for i := range 3 {
			for j := i; j < 3; j++ {
				for k := range 3 {
					g[i][j] += dst.At(k, i) * dst.At(k, j)
				}
			}
		}
		return math.Sqrt(hermitian3MaxEig(g[0][0], g[1][1], g[2][2],
			complex(g[0][1], 0), complex(g[0][2], 0), complex(g[1][2], 0)))
	}
	var svd mat.SVD
	if !svd.Factorize(dst, mat.SVDNone) {
		return math.NaN()
	}
	return svd.Values(nil)[0]
}

// maxGrowthGrid is the number of coarse intervals MaxGrowth scans on
// [0, tMax] before refining; G(t) of the lecture's matrices varies on the
// scale of τ, so for tMax ≲ 20τ each interval is ≲ 0.3τ, fine enough to
// bracket the global maximum.
const maxGrowthGrid = 64

// MaxGrowth returns G_max = sup over t ∈ [0, tMax] of G(t) = ‖e^{At}‖₂, the
// time tAt where it is attained and the optimal unit initial state there.
// It scans a uniform grid of maxGrowthGrid intervals, then refines the best
// point by golden-section search on its two neighbouring intervals (relative
// accuracy of tAt ≈ 1e-8·tMax; G_max is then accurate to ≈ 1e-15 relative
// because G is flat at its maximum). G(0) = 1, so G_max ≥ 1; for a matrix
// with no transient growth it returns (1, 0, top singular vector at 0).
// It panics if A is not square or tMax < 0.
func MaxGrowth(A mat.Matrix, tMax float64) (gMax, tAt float64, r0 []float64) {
	if !(tMax >= 0) || math.IsInf(tMax, 0) {
		panic(fmt.Sprintf("sim: MaxGrowth: bad tMax = %v", tMax))
	}
	a := mat.DenseCopyOf(A)
	n, c := a.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	at := mat.NewDense(n, n, nil)
	e := mat.NewDense(n, n, nil)
	g := func(t float64) float64 { return growthNorm(at, e, a, t) }

	best, bestT := 1.0, 0.0
	h := tMax / maxGrowthGrid
	if tMax > 0 {
		// The scan steps e^{A(k+1)h} = e^{Akh}·e^{Ah}; the 64 products add
		// rounding of ≈ 64ε relative, harmless for locating the maximum,
		// which the refinement then evaluates directly.
		step := mat.NewDense(n, n, nil)
		expmInto(step, at, a, h)
		cur := mat.DenseCopyOf(step)
		next := mat.NewDense(n, n, nil)
		for k := 1; k <= maxGrowthGrid; k++ {
			if k > 1 {
				next.Mul(cur, step)
				cur, next = next, cur
			}
			if v := spectralNormSmall(cur); v > best {
				best, bestT = v, float64(k)*h
			}
		}
	}
	if bestT > 0 {
		lo, hi := math.Max(0, bestT-h), math.Min(tMax, bestT+h)
		t, v := goldenMax(g, lo, hi, 1e-8*tMax)
		if v > best {
			best, bestT = v, t
		}
	}
	_, r0 = Growth(a, bestT)
	return best, bestT, r0
}

// goldenMax maximises f on [lo, hi] by golden-section search until the
// bracket is narrower than tol, returning the best point seen.
func goldenMax(f func(float64) float64, lo, hi, tol float64) (x, fx float64) {
	const invPhi = 0.6180339887498949 // 1/φ
	x1 := hi - invPhi*(hi-lo)
	x2 := lo + invPhi*(hi-lo)
	f1, f2 := f(x1), f(x2)
	for hi-lo > tol {
		if f1 < f2 {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + invPhi*(hi-lo)
			f2 = f(x2)
		} else {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - invPhi*(hi-lo)
			f1 = f(x1)
		}
	}
	if f1 > f2 {
		return x1, f1
	}
	return x2, f2
}

// NumericalAbscissa returns ω(A) = λ_max((A + Aᵀ)/2), the initial growth rate
// d‖r‖/ds / ‖r‖ maximised over r; transient growth of ‖r‖ needs ω > 0.
// It panics if A is not square.
func NumericalAbscissa(A mat.Matrix) float64 {
	n, c := A.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	h := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			h.SetSym(i, j, (A.At(i, j)+A.At(j, i))/2)
		}
	}
	if n == 2 {
		a, b, d := h.At(0, 0), h.At(0, 1), h.At(1, 1)
		return (a+d)/2 + math.Hypot((a-d)/2, b)
	}
	var es mat.EigenSym
	if !es.Factorize(h, false) {
		return math.NaN()
	}
	vals := es.Values(nil)
	return vals[len(vals)-1]
}

// Henrici returns Henrici's departure from normality of W,
//
//	dep(W) = √(‖W‖_F² − Σ|λᵢ|²) = ‖T − diag T‖_F   (W = Z T Zᵀ, Schur),
//
// which is 0 iff W is normal and is invariant under orthogonal changes of
// basis. Tiny negative differences from rounding are clamped to 0. For a
// quasi-triangular T, "diag T" keeps the 2×2 blocks' eigenvalues, so the
// formula in eigenvalues is the invariant one. It panics if W is not square.
func Henrici(W mat.Matrix) float64 {
	n, c := W.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	var eig mat.Eigen
	if !eig.Factorize(W, mat.EigenNone) {
		return math.NaN()
	}
	var lam2 float64
	for _, l := range eig.Values(nil) {
		a := cmplx.Abs(l)
		lam2 += a * a
	}
	return math.Sqrt(math.Max(0, frobenius2(W)-lam2))
}

// frobenius2 returns ‖M‖_F².
func frobenius2(M mat.Matrix) float64 {
	r, c := M.Dims()
	var s float64
	for i := range r {
		for j := range c {
			v := M.At(i, j)
			s += v * v
		}
	}
	return s
}

// lyapunovMaxN is the largest n Lyapunov accepts: it solves the n²×n²
// Kronecker system directly, O(n⁶) work (n = 16: 256×256, well under 10 ms).
const lyapunovMaxN = 16

// ErrUnstable is returned when a computation needs A to be stable (all
// eigenvalues with negative real part) and it is not.
var ErrUnstable = errors.New("unstable: an eigenvalue of A has real part ≥ 0")

// Lyapunov solves A C + C Aᵀ + Q = 0 for the symmetric C. For a stable A and
// dr = A r ds + dη with ⟨dη dηᵀ⟩ = Q ds, C is the stationary covariance of r.
// It uses the Kronecker form (1 ⊗ A + A ⊗ 1) vec C = −vec Q, so n is limited
// to lyapunovMaxN. It returns an error wrapping ErrUnstable if A has an
// eigenvalue with Re λ ≥ 0 and panics if A is not square or Q's size differs.
// The Kronecker matrix is singular as A approaches instability (its
// eigenvalues are λᵢ + λⱼ); a large condition number there is not reported.
func Lyapunov(A mat.Matrix, Q mat.Symmetric) (*mat.SymDense, error) {
	n, c := A.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	if Q.SymmetricDim() != n {
		panic(mat.ErrShape)
	}
	if n > lyapunovMaxN {
		return nil, fmt.Errorf("lyapunov %d×%d: n > %d not supported", n, n, lyapunovMaxN)
	}
	var eig mat.Eigen
	if !eig.Factorize(A, mat.EigenNone) {
		return nil, fmt.Errorf("lyapunov %d×%d: eigenvalues did not converge", n, n)
	}
	for _, l := range eig.Values(nil) {
		if !(real(l) < 0) {
			return nil, fmt.Errorf("lyapunov %d×%d: %w (λ = %v)", n, n, ErrUnstable, l)
		}
	}
	// vec stacks rows here: index i·n + j holds C[i][j]. Then
	// (A C)[i][j] = Σ_k A[i][k] C[k][j] and (C Aᵀ)[i][j] = Σ_k A[j][k] C[i][k].
	m := n * n
	K := mat.NewDense(m, m, nil)
	rhs := mat.NewVecDense(m, nil)
	for i := range n {
		for j := range n {
			row := i*n + j
			for k := range n {
				K.Set(row, k*n+j, K.At(row, k*n+j)+A.At(i, k))
				K.Set(row, i*n+k, K.At(row, i*n+k)+A.At(j, k))
			}
			rhs.SetVec(row, -Q.At(i, j))
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(K, rhs); err != nil {
		var cond mat.Condition
		if !errors.As(err, &cond) {
			return nil, fmt.Errorf("lyapunov %d×%d: %w", n, n, err)
		}
	}
	C := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			C.SetSym(i, j, (x.AtVec(i*n+j)+x.AtVec(j*n+i))/2)
		}
	}
	return C, nil
}

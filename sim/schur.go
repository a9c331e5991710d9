package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// SchurForm is a real Schur decomposition W = Z T Zᵀ: Z orthogonal, T upper
// quasi-triangular with the eigenvalues on its diagonal (complex pairs as
// standardised 2×2 blocks). T_ij, i < j, is the feed-forward weight from
// Schur pattern j (column j of Z) to pattern i.
type SchurForm struct {
	T, Z        *mat.Dense
	Eigenvalues []complex128 // in the order of T's diagonal

	w *mat.Dense // the factorised matrix, for Residual
}

// Schur computes the real Schur form of the square matrix W with gonum's
// LAPACK: Dgehrd reduces W to Hessenberg form, Dorghr forms the orthogonal
// factor, and Dhseqr iterates to T, accumulating Z. There is no balancing
// (Dgebal), so Z stays orthogonal and W = Z T Zᵀ exactly up to rounding.
// It returns an error if the QR iteration does not converge and panics if W
// is not square.
func Schur(W mat.Matrix) (*SchurForm, error) {
	n, c := W.Dims()
	if n != c {
		panic(mat.ErrSquare)
	}
	w := mat.DenseCopyOf(W)
	if n == 0 {
		return &SchurForm{T: &mat.Dense{}, Z: &mat.Dense{}, w: w}, nil
	}
	impl := gonum.Implementation{}
	ilo, ihi := 0, n-1

	h := make([]float64, n*n)
	copy(h, w.RawMatrix().Data) // DenseCopyOf has stride n
	tau := make([]float64, max(n-1, 1))

	// Workspace queries (lwork = −1) for the three routines, one shared work.
	query := make([]float64, 1)
	impl.Dgehrd(n, ilo, ihi, h, n, tau[:n-1], query, -1)
	lwork := int(query[0])
	impl.Dorghr(n, ilo, ihi, h, n, tau[:n-1], query, -1)
	lwork = max(lwork, int(query[0]))
	wr := make([]float64, n)
	wi := make([]float64, n)
	impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, ilo, ihi, nil, n, wr, wi, nil, n, query, -1)
	lwork = max(lwork, int(query[0]), n)
	work := make([]float64, lwork)

	impl.Dgehrd(n, ilo, ihi, h, n, tau[:n-1], work, lwork)
	z := make([]float64, n*n)
	copy(z, h)
	impl.Dorghr(n, ilo, ihi, z, n, tau[:n-1], work, lwork)
	// Clear the reflectors stored below the first subdiagonal of H.
	for i := 2; i < n; i++ {
		for j := 0; j < i-1; j++ {
			h[i*n+j] = 0
		}
	}
	if bad := impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, ilo, ihi, h, n, wr, wi, z, n, work, lwork); bad > 0 {
		return nil, fmt.Errorf("schur %d×%d: QR iteration did not converge (%d eigenvalues left)", n, n, bad)
	}
	// Zero what lies below the quasi-triangle: below the subdiagonal, and
	// subdiagonal entries that are not part of a 2×2 block.
	for i := 1; i < n; i++ {
		for j := 0; j < i-1; j++ {
			h[i*n+j] = 0
		}
		if !(wi[i-1] > 0) { // not the first row of a 2×2 block
			h[i*n+i-1] = 0
		}
	}
	eig := make([]complex128, n)
	for i := range eig {
		eig[i] = complex(wr[i], wi[i])
	}
	return &SchurForm{
		T:           mat.NewDense(n, n, h),
		Z:           mat.NewDense(n, n, z),
		Eigenvalues: eig,
		w:           w,
	}, nil
}

// Residual returns ‖W − Z T Zᵀ‖_F for the W that was factorised.
func (s *SchurForm) Residual() float64 {
	var zt, ztz mat.Dense
	zt.Mul(s.Z, s.T)
	ztz.Mul(&zt, s.Z.T())
	ztz.Sub(s.w, &ztz)
	return mat.Norm(&ztz, 2)
}

// Orthogonality returns ‖ZᵀZ − 1‖_F.
func (s *SchurForm) Orthogonality() float64 {
	var g mat.Dense
	g.Mul(s.Z.T(), s.Z)
	n, _ := g.Dims()
	for i := range n {
		g.Set(i, i, g.At(i, i)-1)
	}
	return mat.Norm(&g, 2)
}

// Departure returns ‖T − "diag" T‖_F, where "diag" keeps the 1×1 and 2×2
// diagonal blocks: the part of T that is feed-forward between Schur patterns.
// It equals Henrici(W) when T has no 2×2 blocks; with them, Henrici's
// invariant √(‖W‖_F² − Σ|λ|²) also counts the non-normal part inside a block.
func (s *SchurForm) Departure() float64 {
	n, _ := s.T.Dims()
	var sum float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			if j == i+1 && imag(s.Eigenvalues[i]) > 0 {
				continue
			}
			v := s.T.At(i, j)
			sum += v * v
		}
	}
	return math.Sqrt(sum)
}

// Toy triangular matrix of the Schur walkthrough (SCIENCE §5): its diagonal
// at b = 0 and its feed-forward part F at b = 1.
const (
	toyD1, toyD2, toyD3 = 0.3, -0.1, -0.2
	toyF12, toyF13      = 2.0, 0.5
	toyF23              = 1.2
)

// START TOYT OMIT

// ToyT returns the walkthrough's upper-triangular T, with balancedness b and
// feed-forward gain g:
//
//	T(b) = (1 − b)·diag(0.3, −0.1, −0.2) + b·F,  F₁₂ = 2, F₁₃ = 0.5, F₂₃ = 1.2,
//	T_g  = diag T(b) + g·(T(b) − diag T(b)).
//
// At b = 0.7, g = 1 the eigenvalues are 0.09, −0.03, −0.06 and
// T₁₂ = 1.40, T₁₃ = 0.35, T₂₃ = 0.84.
func ToyT(b, g float64) *mat.Dense {
	t := mat.NewDense(3, 3, nil)
	t.Set(0, 0, (1-b)*toyD1)
	t.Set(1, 1, (1-b)*toyD2)
	t.Set(2, 2, (1-b)*toyD3)
	t.Set(0, 1, g*b*toyF12)
	t.Set(0, 2, g*b*toyF13)
	t.Set(1, 2, g*b*toyF23)
	return t
}

// END TOYT OMIT

// ToyBasis returns U = 1 − (2/3)·11ᵀ, the 3×3 Householder reflection along
// (1,1,1): orthogonal and symmetric, so U⁻¹ = Uᵀ = U.
func ToyBasis() *mat.Dense {
	u := mat.NewDense(3, 3, nil)
	for i := range 3 {
		for j := range 3 {
			v := -2.0 / 3
			if i == j {
				v++
			}
			u.Set(i, j, v)
		}
	}
	return u
}

// ToyW returns the neuron-space weight matrix W = U T_g Uᵀ of the walkthrough
// toy, with U = ToyBasis() and T_g = ToyT(b, g).
func ToyW(b, g float64) *mat.Dense {
	u := ToyBasis()
	var ut, w mat.Dense
	ut.Mul(u, ToyT(b, g))
	w.Mul(&ut, u.T())
	return &w
}

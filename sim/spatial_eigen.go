package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// spatialLanczos holds the outcome of spatialTopEigen.
type spatialLanczos struct {
	values    []float64   // k largest eigenvalues, descending
	vectors   [][]float64 // unit eigenvectors
	residuals []float64   // ‖K v − λ v‖, computed from the stored products K Q
	dim       int         // dimension of the Krylov space used
	matvecs   int
}

// spatialLanczosDeflate is the relative norm below which a new Krylov
// direction is taken to be rounding noise (the space has become invariant):
// it is replaced by a random direction, so exact multiplicities up to the
// block size are still found.
const spatialLanczosDeflate = 1e-13

// spatialTopEigen returns the k largest eigenpairs of the symmetric operator
// op (op(dst, src) sets dst[j] = K src[j] for a block of vectors of length N)
// by block Lanczos with full reorthogonalisation and explicit Rayleigh–Ritz:
//
//	Q = [Q_0 Q_1 …] orthonormal,  Z = K Q,  S = Qᵀ Z (symmetrised),
//	K Q = Q S + Q_next B Eᵀ,
//
// so a Ritz pair (θ, Q s) of S has residual ‖B s_last‖, s_last the part of s
// on the newest block. Iteration stops when the k largest Ritz pairs have
// residual ≤ tol·θ_1; the residuals returned are recomputed as ‖Z s − θ Q s‖.
// Every new direction is orthogonalised twice against all of Q ("twice is
// enough"), so nearly degenerate pairs (modes 2 and 3 of the map) converge
// like any other; exact multiplicities are found up to the block size.
// The start block is drawn from rng; ctx is checked before every block
// product and progress (may be nil) is called after every block with the
// fraction of converged pairs (non-decreasing, 1 at the end).
func spatialTopEigen(ctx context.Context, op func(dst, src [][]float64), N, k, block int, maxDim int, tol float64, rng *rand.Rand, progress func(float64)) (*spatialLanczos, error) {
	if k < 1 || k > N || block < 1 {
		panic(fmt.Sprintf("spatial: bad eigensolver sizes N=%d k=%d block=%d", N, k, block))
	}
	maxDim = min(maxDim, N)
	block = min(block, maxDim)
	var Q, Z [][]float64
	S := make([]float64, maxDim*maxDim) // row-major, stride maxDim
	scale := 0.0                        // largest ‖K q‖ seen, ≈ λ_1
	res := &spatialLanczos{}

	// orth orthogonalises r against the columns of basis twice, adding the
	// coefficients to coef (if non-nil), and returns ‖r‖.
	orth := func(r []float64, basis [][]float64, coef []float64) float64 {
		for range 2 {
			for i, q := range basis {
				d := floats.Dot(q, r)
				floats.AddScaled(r, -d, q)
				if coef != nil {
					coef[i] += d
				}
			}
		}
		return floats.Norm(r, 2)
	}
	randomUnit := func(against [][]float64) []float64 {
		for {
			r := make([]float64, N)
			for i := range r {
				r[i] = rng.NormFloat64()
			}
			nr0 := floats.Norm(r, 2)
			if nr := orth(r, against, nil); nr > 1e-3*nr0 {
				floats.Scale(1/nr, r)
				return r
			}
		}
	}

	cur := make([][]float64, 0, block)
	for range block {
		cur = append(cur, randomUnit(append(Q[:len(Q):len(Q)], cur...)))
	}
	Q = append(Q, cur...)

	var eig mat.EigenSym
	lastFrac := 0.0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		j0 := len(Q) - len(cur)
		zc := make([][]float64, len(cur))
		for c := range zc {
			zc[c] = make([]float64, N)
		}
		op(zc, cur)
		res.matvecs += len(cur)
		Z = append(Z, zc...)
		m := len(Q)

		// Column block of S and the orthogonalised remainder R.
		R := make([][]float64, len(cur))
		coef := make([]float64, m)
		for c, z := range zc {
			scale = math.Max(scale, floats.Norm(z, 2))
			r := append([]float64(nil), z...)
			clear(coef)
			orth(r, Q, coef)
			jc := j0 + c
			for i := range j0 {
				S[i*maxDim+jc] = coef[i]
				S[jc*maxDim+i] = coef[i]
			}
			for i := j0; i < m; i++ {
				S[i*maxDim+jc] += coef[i] / 2
				S[jc*maxDim+i] += coef[i] / 2
			}
			R[c] = r
		}

		// QR of R with deflation: R = Q_next·B.
		var next [][]float64
		B := make([][]float64, len(cur)) // B[p][c]
		for p := range B {
			B[p] = make([]float64, len(cur))
		}
		room := min(len(cur), maxDim-m)
		for c, r := range R {
			if len(next) == room {
				break
			}
			d := make([]float64, len(next))
			nr := orth(r, next, d)
			for p := range d {
				B[p][c] = d[p]
			}
			if nr > spatialLanczosDeflate*scale {
				floats.Scale(1/nr, r)
				B[len(next)][c] = nr
				next = append(next, r)
			}
		}
		for len(next) < room {
			next = append(next, randomUnit(append(Q[:m:m], next...)))
		}

		// Rayleigh–Ritz.
		Sm := mat.NewSymDense(m, nil)
		for i := range m {
			for j := i; j < m; j++ {
				Sm.SetSym(i, j, S[i*maxDim+j])
			}
		}
		if !eig.Factorize(Sm, true) {
			return nil, errors.New("spatial eigensolver: Rayleigh–Ritz eigendecomposition failed")
		}
		vals := eig.Values(nil)
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		order := make([]int, m)
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
		kk := min(k, m)
		converged := 0
		theta1 := math.Abs(vals[order[0]])
		for _, idx := range order[:kk] {
			est := 0.0
			for p := range B {
				var s float64
				for c := range cur {
					s += B[p][c] * vecs.At(j0+c, idx)
				}
				est += s * s
			}
			if math.Sqrt(est) <= tol*theta1 {
				converged++
			}
		}
		full := m == N // the Krylov space is everything: Rayleigh–Ritz is exact
		if (kk == k && converged == k) || full || len(next) == 0 {
			res.dim = m
			res.values = make([]float64, kk)
			res.vectors = make([][]float64, kk)
			res.residuals = make([]float64, kk)
			for r, idx := range order[:kk] {
				y := make([]float64, N)
				ky := make([]float64, N)
				for i := range m {
					s := vecs.At(i, idx)
					floats.AddScaled(y, s, Q[i])
					floats.AddScaled(ky, s, Z[i])
				}
				nrm := floats.Norm(y, 2)
				floats.Scale(1/nrm, y)
				floats.Scale(1/nrm, ky)
				th := vals[idx]
				floats.AddScaled(ky, -th, y)
				res.values[r] = th
				res.vectors[r] = y
				res.residuals[r] = floats.Norm(ky, 2)
			}
			if kk < k || (converged < k && !full) {
				return res, fmt.Errorf("spatial eigensolver: %d of %d eigenpairs converged in a Krylov space of dimension %d", converged, k, m)
			}
			if progress != nil {
				progress(1)
			}
			return res, nil
		}
		if progress != nil {
			lastFrac = math.Max(lastFrac, math.Min(float64(converged)/float64(k), 0.99))
			progress(lastFrac)
		}
		cur = next
		Q = append(Q, next...)
	}
}

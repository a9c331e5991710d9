package sim

import (
	"context"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"
)

// Limits of the evoked-map Krylov basis.
const (
	spatialEvokedGrow   = 8   // Lanczos steps added when a solve needs more
	spatialEvokedMaxDim = 400 // largest basis before the solve gives up
)

// spatialEvokedBasis is a Lanczos basis of the Krylov space of K̄ on an
// input pattern b: K̄ V_m = V_m T_m + t_{m+1,m} v_{m+1} e_mᵀ with V_m
// orthonormal (full reorthogonalisation) and T_m tridiagonal. Every evoked
// map, for any w and kI, is then a function of T_m:
//
//	x = (1 + β K̄)⁻¹ b ≈ ‖b‖ V_m (1 + β T_m)⁻¹ e_1,   β = (kI − 1) w,
//
// with the exact residual b − (1 + βK̄) x = −β t_{m+1,m} y_m v_{m+1}, and
// K̄ x = V_m T_m y + t_{m+1,m} y_m v_{m+1} needs no further matvec. A slider
// move of w or kI therefore costs a tridiagonal solve and one basis product
// (O(mN)), not a conjugate-gradient run; the basis grows by
// spatialEvokedGrow steps only when a (w, kI) needs more accuracy than it has.
// It is safe for concurrent use.
type spatialEvokedBasis struct {
	mu    sync.Mutex
	bNorm float64
	v     [][]float64 // v_1 … v_{m+1}
	alpha []float64   // diagonal of T_m
	beta  []float64   // beta[j] = t_{j+2,j+1}; beta[m−1] couples v_m to v_{m+1}
	exact bool        // the Krylov space is invariant: the last beta is 0
}

func newSpatialEvokedBasis(b []float64) *spatialEvokedBasis {
	nb := floats.Norm(b, 2)
	v := make([]float64, len(b))
	floats.ScaleTo(v, 1/nb, b)
	return &spatialEvokedBasis{bNorm: nb, v: [][]float64{v}}
}

// grow adds steps Lanczos steps with the operator apply; the caller holds
// e.mu.
func (e *spatialEvokedBasis) grow(ctx context.Context, apply func(dst, src []float64), steps int) error {
	for s := 0; s < steps && !e.exact; s++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		j := len(e.alpha)
		vj := e.v[j]
		u := make([]float64, len(vj))
		apply(u, vj)
		a := floats.Dot(vj, u)
		// Full reorthogonalisation, twice ("twice is enough"): the basis
		// stays orthonormal to rounding, so T_m stays a faithful projection.
		for range 2 {
			for _, vi := range e.v {
				floats.AddScaled(u, -floats.Dot(vi, u), vi)
			}
		}
		bj := floats.Norm(u, 2)
		e.alpha = append(e.alpha, a)
		e.beta = append(e.beta, bj)
		if bj <= 1e-14*math.Max(1, math.Abs(a)) {
			e.exact = true
			e.v = append(e.v, u) // never read: its coefficient is 0
			return nil
		}
		floats.Scale(1/bj, u)
		e.v = append(e.v, u)
	}
	return nil
}

// solve returns y = ‖b‖ (1 + βT_m)⁻¹ e_1 and the residual norm
// |β| t_{m+1,m} |y_m| of x = V_m y (the caller holds e.mu). 1 + βT_m is
// symmetric positive definite for every stable (w, kI), so the Thomas
// algorithm (LDLᵀ without pivoting) is stable.
func (e *spatialEvokedBasis) solve(beta float64) (y []float64, resid float64) {
	m := len(e.alpha)
	d := make([]float64, m) // pivots
	y = make([]float64, m)
	y[0] = e.bNorm
	for j := range m {
		d[j] = 1 + beta*e.alpha[j]
		if j > 0 {
			off := beta * e.beta[j-1]
			l := off / d[j-1]
			d[j] -= l * off
			y[j] -= l * y[j-1]
		}
	}
	y[m-1] /= d[m-1]
	for j := m - 2; j >= 0; j-- {
		y[j] = (y[j] - beta*e.beta[j]*y[j+1]) / d[j]
	}
	return y, math.Abs(beta) * e.beta[m-1] * math.Abs(y[m-1])
}

// evoked returns r_E = (1 + kI w K̄)(1 + β K̄)⁻¹ b, growing the basis until
// the solve's relative residual is at most spatialCGTol.
func (e *spatialEvokedBasis) evoked(ctx context.Context, apply func(dst, src []float64), w, kI float64) ([]float64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	beta := (kI - 1) * w
	if len(e.alpha) == 0 {
		if err := e.grow(ctx, apply, spatialEvokedGrow); err != nil {
			return nil, err
		}
	}
	var y []float64
	for {
		var resid float64
		y, resid = e.solve(beta)
		if e.exact || resid <= spatialCGTol*e.bNorm {
			break
		}
		if len(e.alpha) >= spatialEvokedMaxDim {
			return nil, fmt.Errorf("spatial evoked map: Krylov basis of %d vectors leaves residual %.2g", len(e.alpha), resid/e.bNorm)
		}
		if err := e.grow(ctx, apply, spatialEvokedGrow); err != nil {
			return nil, err
		}
	}
	m := len(y)
	// T_m y, then r_E = V_m (y + kI w T_m y) + kI w t_{m+1,m} y_m v_{m+1}.
	coef := make([]float64, m)
	for j := range m {
		ty := e.alpha[j] * y[j]
		if j > 0 {
			ty += e.beta[j-1] * y[j-1]
		}
		if j < m-1 {
			ty += e.beta[j] * y[j+1]
		}
		coef[j] = y[j] + kI*w*ty
	}
	out := make([]float64, len(e.v[0]))
	for j, c := range coef {
		floats.AddScaled(out, c, e.v[j])
	}
	if !e.exact {
		floats.AddScaled(out, kI*w*e.beta[m-1]*y[m-1], e.v[m])
	}
	return out, nil
}

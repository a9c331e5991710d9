package main

import (
	"context"
	"io"

	"balamp/sim"
	"gonum.org/v1/gonum/mat"
)

// simSchurResult is the JSON of `balamp sim schur` (docs/cli.md).
type simSchurResult struct {
	B float64 `json:"b"`
	G float64 `json:"g"`

	W           [][]float64  `json:"W"`
	T           [][]float64  `json:"T"`
	Z           [][]float64  `json:"Z"`
	Eigenvalues []simComplex `json:"eigenvalues"`

	Henrici           float64   `json:"henrici"`
	GMax              float64   `json:"gMax"`
	GMaxT             float64   `json:"gMaxT"`
	OptimalR0         []float64 `json:"optimalR0"`
	NumericalAbscissa float64   `json:"numericalAbscissa"`
	Residual          float64   `json:"residual"`
	Orthogonality     float64   `json:"orthogonality"`
}

// runSimSchur is `balamp sim schur`: the real Schur form of the walkthrough
// toy W = U T_g Uᵀ (sim.ToyW) and the growth measures of A = W − 1.
func runSimSchur(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const model = "schur"
	fs := simFlags(model, "The Schur-basis toy of Fig 4: W = U T Uᵀ with T(b) = (1 − b)·diag(0.3, −0.1, −0.2) + b·F,\n"+
		"its feed-forward part scaled by g; prints a true real Schur form W = Z T Zᵀ and the growth of A = W − 1.", stderr)
	b := fs.Float64("b", 0.7, "balancedness b, 0…1 (dimensionless)")
	g := fs.Float64("g", 1, "feed-forward gain g, 0…100 (dimensionless; scales T's off-diagonal part)")
	if ok, err := simParse(fs, model, args); !ok {
		return err
	}
	if err := simCheck(model,
		simRange{"b", *b, 0, 1},
		simRange{"g", *g, 0, 100},
	); err != nil {
		return err
	}
	w := sim.ToyW(*b, *g)
	sf, err := sim.Schur(w)
	if err != nil {
		return simErrorf(model, "%w", err)
	}
	r := simSchurResult{
		B: *b, G: *g,
		W: simRows(w), T: simRows(sf.T), Z: simRows(sf.Z),
		Henrici:       sim.Henrici(w),
		Residual:      sf.Residual(),
		Orthogonality: sf.Orthogonality(),
	}
	for _, l := range sf.Eigenvalues {
		r.Eigenvalues = append(r.Eigenvalues, simComplex{real(l), imag(l)})
	}
	A := mat.DenseCopyOf(w)
	for i := range 3 {
		A.Set(i, i, A.At(i, i)-1)
	}
	r.GMax, r.GMaxT, r.OptimalR0 = sim.MaxGrowth(A, simGrowthWindow)
	r.NumericalAbscissa = sim.NumericalAbscissa(A)
	return simWriteJSON(stdout, model, r)
}

// simRows returns m as row-major nested slices.
func simRows(m mat.Matrix) [][]float64 {
	r, _ := m.Dims()
	rows := make([][]float64, r)
	for i := range rows {
		rows[i] = mat.Row(nil, i, m)
	}
	return rows
}

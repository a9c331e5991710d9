package sim

import (
	"context"
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkSpatialModes is a σ_d or κ change: the top 8 modes from scratch.
func BenchmarkSpatialModes(b *testing.B) {
	for _, n := range []int{16, 32, 64, 128} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ComputeSpatialModes(context.Background(), SpatialGeometry{N: n, Kappa: 2}, 8, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSpatialDenseEigen is the dense alternative on the same K: build
// the N×N matrix from the direct formula and run mat.EigenSym with vectors.
func BenchmarkSpatialDenseEigen(b *testing.B) {
	for _, n := range []int{16, 32} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				var eig mat.EigenSym
				if !eig.Factorize(spatialDenseK(n, SpatialDefaultSigmaD(n), 2), true) {
					b.Fatal("EigenSym failed")
				}
			}
		})
	}
}

// BenchmarkSpatialReadouts is a w or kI change with the modes reused:
// per-mode readouts, E variances, correlation times and the exact
// map-vs-random ratio.
func BenchmarkSpatialReadouts(b *testing.B) {
	m, err := ComputeSpatialModes(context.Background(), SpatialGeometry{N: 64, Kappa: 2}, 8, nil)
	if err != nil {
		b.Fatal(err)
	}
	ws := []float64{1, 2, 30.0 / 7, 6}
	i := 0
	for b.Loop() {
		w := ws[i%len(ws)]
		i++
		if _, err := m.Readouts(w, 1.1); err != nil {
			b.Fatal(err)
		}
		if _, _, err := m.MapRandomVarianceRatio(w, 1.1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpatialEvokedMap is the evoked map after a w change (the shared
// Krylov basis reused); BenchmarkSpatialEvokedMapCG is the same solve by
// PCG from scratch, for comparison.
func BenchmarkSpatialEvokedMap(b *testing.B) {
	for _, n := range []int{32, 64} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			m, err := ComputeSpatialModes(context.Background(), SpatialGeometry{N: n, Kappa: 2}, 8, nil)
			if err != nil {
				b.Fatal(err)
			}
			// The first map builds the shared Krylov basis (as the first
			// slider move after a geometry change does); then every w is new.
			if _, err := m.EvokedMap(context.Background(), 0, 30.0/7, 1.1); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				w := 30.0/7 + float64(i%1000)*1e-3
				if _, err := m.EvokedMap(context.Background(), 0, w, 1.1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSpatialFrame is one frame of spontaneous activity at 64×64: a
// Step (top-k exact OU update, complement update, statistics) and the rE, rI
// images.
func BenchmarkSpatialFrame(b *testing.B) {
	m, err := ComputeSpatialModes(context.Background(), SpatialGeometry{N: 64, Kappa: 2}, 8, nil)
	if err != nil {
		b.Fatal(err)
	}
	a, err := NewSpatialActivity(m, 30.0/7, 1.1, 1, 1, 1.0/30)
	if err != nil {
		b.Fatal(err)
	}
	fE, fI := make([]float32, m.N()), make([]float32, m.N())
	for b.Loop() {
		a.Step()
		a.Frame(fE, fI)
	}
}

// BenchmarkSpatialMatvec is one application of K at 64×64.
func BenchmarkSpatialMatvec(b *testing.B) {
	const n = 64
	op := newSpatialKernel(n, spatialOrientationMap(n), SpatialDefaultSigmaD(n), 2)
	v := make([]float64, n*n)
	v[0] = 1
	dst := make([]float64, n*n)
	for b.Loop() {
		op.apply(dst, v)
	}
}

func BenchmarkSpatialEvokedMapCG(b *testing.B) {
	for _, n := range []int{32, 64} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			m, err := ComputeSpatialModes(context.Background(), SpatialGeometry{N: n, Kappa: 2}, 8, nil)
			if err != nil {
				b.Fatal(err)
			}
			in := m.evokedInput(0)
			for b.Loop() {
				if _, err := m.solveShifted(context.Background(), 0.1*30.0/7, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Tolerances of the spatial tests.
const (
	// spatialTolResidual is the promised eigenpair residual ‖K̄v − μv‖
	// (K̄ normalised, so μ_1 = 1).
	spatialTolResidual = 1e-8
	// spatialTolEig: for a symmetric matrix a Ritz value lies within its
	// residual of an eigenvalue (Weyl), so eigenvalues match the dense solver
	// to the residual bound; dense LAPACK adds ~N·ε ≈ 1e-13.
	spatialTolEig = spatialTolResidual
	// spatialTolMatvec: the FFT + Bessel-series matvec drops Bessel terms
	// below 1e-14·c_0 and rounds in O(log N) FFT passes: 1e-12 relative.
	spatialTolMatvec = 1e-12
	// spatialTolOrtho: Lanczos with full reorthogonalisation keeps the
	// Ritz vectors orthonormal to a few hundred ε.
	spatialTolOrtho = 1e-12
	// spatialTolClosed is for 2×2 closed forms compared with each other: a
	// few dozen ε on O(10) numbers.
	spatialTolClosed = 1e-12
)

func spatialTestModes(t testing.TB, g SpatialGeometry, k int) *SpatialModes {
	t.Helper()
	m, err := ComputeSpatialModes(context.Background(), g, k, nil)
	if err != nil {
		t.Fatalf("ComputeSpatialModes(%+v, %d): %v", g, k, err)
	}
	return m
}

// spatialDenseK materialises the unnormalised K from the direct formula.
func spatialDenseK(n int, sigma, kappa float64) *mat.SymDense {
	N := n * n
	th := spatialOrientationMap(n)
	g := spatialGaussian1D(n, sigma)
	d := mat.NewSymDense(N, nil)
	for i := range N {
		for j := i; j < N; j++ {
			d.SetSym(i, j, spatialKernelEntry(n, th, g, kappa, i, j))
		}
	}
	return d
}

func TestSpatialOrientationMap(t *testing.T) {
	// SCIENCE.md §4.2, given to 3 decimals: tolerance half a unit of the last.
	const tolDeg = 5e-4
	want := []float64{8.115, 11.801, 178.937, 127.216}
	th := spatialOrientationMap(32)
	for x, w := range want {
		if got := th[x] * 180 / math.Pi; math.Abs(got-w) > tolDeg {
			t.Errorf("θ(x=%d, y=0) = %.4f°, want %.3f°", x, got, w)
		}
	}
	for _, n := range []int{8, 16, 48, 64, 96, 128} {
		for i, v := range spatialOrientationMap(n) {
			if !(v >= 0 && v < math.Pi) {
				t.Fatalf("n=%d: θ[%d] = %v, want [0, π)", n, i, v)
			}
		}
	}
	// The torus is the same patch at every n (spatialMapWaveNumber), so the
	// n = 64 map at even sites is the n = 32 map; 1e-9 rad is rounding.
	th64 := spatialOrientationMap(64)
	for y := range 32 {
		for x := range 32 {
			if d := math.Abs(th64[2*y*64+2*x] - th[y*32+x]); math.Min(d, math.Pi-d) > 1e-9 {
				t.Fatalf("θ64(%d,%d) = %v, θ32(%d,%d) = %v", 2*x, 2*y, th64[2*y*64+2*x], x, y, th[y*32+x])
			}
		}
	}
}

func TestSpatialBesselSeries(t *testing.T) {
	// Known values e^{−κ}I_m(κ) (Abramowitz & Stegun table 9.8).
	known := []struct {
		kappa float64
		m     int
		want  float64
	}{
		{1, 0, 1.2660658777520082 * math.Exp(-1)},
		{1, 1, 0.5651591039924851 * math.Exp(-1)},
		{2, 0, 2.2795853023360673 * math.Exp(-2)},
		{2, 2, 0.6889484476987382 * math.Exp(-2)},
	}
	for _, c := range known {
		got := spatialBesselSeries(c.kappa)[c.m]
		if math.Abs(got-c.want) > 1e-15 {
			t.Errorf("c_%d(κ=%v) = %.17g, want %.17g", c.m, c.kappa, got, c.want)
		}
	}
	for _, kappa := range []float64{0, 0.3, 2, 10, 50, 100} {
		c := spatialBesselSeries(kappa)
		// c_m = (1/2π)∫ exp(κ[cos φ − 1]) cos mφ dφ; the trapezoid rule is
		// exact to rounding for this periodic integrand with 2048 points.
		const pts = 2048
		sum := c[0]
		for m := range c {
			var q float64
			for j := range pts {
				phi := 2 * math.Pi * float64(j) / pts
				q += math.Exp(kappa*(math.Cos(phi)-1)) * math.Cos(float64(m)*phi)
			}
			q /= pts
			if math.Abs(q-c[m]) > 1e-14 {
				t.Errorf("κ=%v: c_%d = %v, quadrature %v", kappa, m, c[m], q)
			}
			if m > 0 {
				sum += 2 * c[m]
			}
		}
		if math.Abs(sum-1) > 1e-13 {
			t.Errorf("κ=%v: c_0 + 2Σc_m = %v, want 1 (truncation below 1e-14)", kappa, sum)
		}
	}
}

func TestSpatialFFT2(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{8, 12, 16, 48} {
		f := newSpatialFFT2(n)
		a := make([]complex128, n*n)
		for i := range a {
			a[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for _, inverse := range []bool{false, true} {
			got := append([]complex128(nil), a...)
			f.transform(got, inverse)
			sign := -1.0
			if inverse {
				sign = 1
			}
			var maxErr float64
			for ky := range n {
				for kx := range n {
					var s complex128
					for y := range n {
						for x := range n {
							s += a[y*n+x] * cmplx.Rect(1, sign*2*math.Pi*float64(kx*x+ky*y)/float64(n))
						}
					}
					maxErr = math.Max(maxErr, cmplx.Abs(s-got[ky*n+kx]))
				}
			}
			// Direct sums of n² unit-size terms round to ~n·ε·√(n²).
			if maxErr > 1e-11 {
				t.Errorf("n=%d inverse=%v: max |FFT − DFT| = %v", n, inverse, maxErr)
			}
		}
	}
}

func TestSpatialKernelMatvec(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		n            int
		sigma, kappa float64
	}{
		{16, 4, 2}, {32, 8, 2}, {12, 3, 2}, {16, 3, 0}, {16, 5, 10}, {16, 16, 2},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n=%d,σ=%v,κ=%v", c.n, c.sigma, c.kappa), func(t *testing.T) {
			N := c.n * c.n
			th := spatialOrientationMap(c.n)
			g := spatialGaussian1D(c.n, c.sigma)
			op := newSpatialKernel(c.n, th, c.sigma, c.kappa)
			v := make([]float64, N)
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			got := make([]float64, N)
			op.apply(got, v)
			want := make([]float64, N)
			for i := range N {
				for j := range N {
					want[i] += spatialKernelEntry(c.n, th, g, c.kappa, i, j) * v[j]
				}
			}
			if e := floats.Distance(got, want, 2) / floats.Norm(want, 2); e > spatialTolMatvec {
				t.Errorf("‖K v (FFT) − K v (direct)‖/‖K v‖ = %v, want ≤ %v", e, spatialTolMatvec)
			}
		})
	}
}

func TestSpatialKernelSymmetricPSD(t *testing.T) {
	const n, sigma, kappa = 16, 4.0, 2.0
	N := n * n
	op := newSpatialKernel(n, spatialOrientationMap(n), sigma, kappa)
	dense := spatialDenseK(n, sigma, kappa)
	// Materialise K column by column through the matvec.
	K := mat.NewDense(N, N, nil)
	e := make([]float64, N)
	col := make([]float64, N)
	for j := range N {
		e[j] = 1
		op.apply(col, e)
		e[j] = 0
		K.SetCol(j, col)
	}
	var maxAsym, maxDiff float64
	for i := range N {
		for j := range N {
			maxAsym = math.Max(maxAsym, math.Abs(K.At(i, j)-K.At(j, i)))
			maxDiff = math.Max(maxDiff, math.Abs(K.At(i, j)-dense.At(i, j)))
		}
	}
	// Entries are O(1) (K_ii = g(0)²): FFT rounding ~1e-15, Bessel
	// truncation 1e-14 relative.
	if maxAsym > 1e-13 || maxDiff > 1e-13 {
		t.Errorf("matvec-materialised K: max |K − Kᵀ| = %v, max |K − K_direct| = %v, want ≤ 1e-13", maxAsym, maxDiff)
	}
	var eig mat.EigenSym
	if !eig.Factorize(dense, false) {
		t.Fatal("EigenSym failed")
	}
	vals := eig.Values(nil)
	lmin, lmax := floats.Min(vals), floats.Max(vals)
	// PSD up to dense rounding, N·ε·λ_max.
	if lmin < -1e-12*lmax {
		t.Errorf("λ_min(K) = %v, λ_max = %v: K is not positive semidefinite", lmin, lmax)
	}
}

// spatialCheckModes checks residuals (recomputed through Apply, independently
// of the solver's stored products) and orthonormality.
func spatialCheckModes(t *testing.T, m *SpatialModes) {
	t.Helper()
	N := m.N()
	kv := make([]float64, N)
	for i, v := range m.Vectors {
		m.Apply(kv, v)
		floats.AddScaled(kv, -m.Mu[i], v)
		if r := floats.Norm(kv, 2); r > spatialTolResidual || m.Residual[i] > spatialTolResidual {
			t.Errorf("mode %d: ‖K̄v − μv‖ = %v (reported %v), want ≤ %v", i, r, m.Residual[i], spatialTolResidual)
		}
		for j := range i + 1 {
			want := 0.0
			if i == j {
				want = 1
			}
			if d := floats.Dot(v, m.Vectors[j]); math.Abs(d-want) > spatialTolOrtho {
				t.Errorf("v_%d·v_%d = %v, want %v", i, j, d, want)
			}
		}
	}
	if !sort.IsSorted(sort.Reverse(sort.Float64Slice(m.Mu))) || m.Mu[0] != 1 {
		t.Errorf("μ = %v, want descending from 1", m.Mu)
	}
}

func TestSpatialModesAgainstDense(t *testing.T) {
	for _, n := range []int{16, 32} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			if n == 32 && testing.Short() {
				t.Skip("dense 1024×1024 eigenvalues take ~1 s (~6 s with -race)")
			}
			g := SpatialGeometry{N: n, Kappa: 2}
			m := spatialTestModes(t, g, 8)
			spatialCheckModes(t, m)
			var eig mat.EigenSym
			if !eig.Factorize(spatialDenseK(n, SpatialDefaultSigmaD(n), 2), false) {
				t.Fatal("EigenSym failed")
			}
			vals := eig.Values(nil)
			sort.Sort(sort.Reverse(sort.Float64Slice(vals)))
			for i, mu := range m.Mu {
				if want := vals[i] / vals[0]; math.Abs(mu-want) > spatialTolEig {
					t.Errorf("μ_%d = %.15f, dense %.15f", i+1, mu, want)
				}
			}
			if math.Abs(m.Lambda1-vals[0]) > spatialTolEig*vals[0] {
				t.Errorf("λ_1 = %v, dense %v", m.Lambda1, vals[0])
			}
		})
	}
}

func TestSpatialModesKappaZero(t *testing.T) {
	// κ = 0: K = G is a circulant, eigenvalues ĝ(kx)ĝ(ky) with 4- and 8-fold
	// multiplicities, which the block eigensolver must all find.
	const n, sigma, k = 16, 3.0, 20
	m := spatialTestModes(t, SpatialGeometry{N: n, SigmaD: sigma, Kappa: 0}, k)
	spatialCheckModes(t, m)
	g := spatialGaussian1D(n, sigma)
	gh := make([]float64, n)
	for q := range n {
		for d := range n {
			gh[q] += g[d] * math.Cos(2*math.Pi*float64(q*d)/float64(n))
		}
	}
	var all []float64
	for _, a := range gh {
		for _, b := range gh {
			all = append(all, a*b/(gh[0]*gh[0]))
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(all)))
	for i, mu := range m.Mu {
		if math.Abs(mu-all[i]) > spatialTolEig {
			t.Errorf("κ=0: μ_%d = %.15f, want ĝĝ/ĝ(0)² = %.15f", i+1, mu, all[i])
		}
	}
}

func TestSpatialMapModes(t *testing.T) {
	// Defaults: modes 2 and 3 are orientation maps (projection ≥ 0.99; 0.9990
	// and 0.9986 at n = 32). With σ_d = 3 sites no mode is map-like: the
	// largest projection among modes 2..8 is 0.33.
	m := spatialTestModes(t, SpatialGeometry{N: 32, Kappa: 2}, 8)
	for _, i := range []int{1, 2} {
		if p := m.MapProjection[i]; p < 0.99 {
			t.Errorf("defaults: mode %d map projection = %v, want ≥ 0.99", i+1, p)
		}
	}
	if p := m.MapProjection[0]; p > 1e-6 {
		t.Errorf("defaults: uniform mode 1 has map projection %v, want ≈ 0", p)
	}
	short := spatialTestModes(t, SpatialGeometry{N: 32, SigmaD: 3, Kappa: 2}, 8)
	for i, p := range short.MapProjection {
		if p > 0.5 {
			t.Errorf("σ_d = 3: mode %d map projection = %v, want < 0.5", i+1, p)
		}
	}
	t.Logf("map projections: defaults %.4f, σ_d = 3: %.4f", m.MapProjection, short.MapProjection)
}

func TestSpatialModesConverge(t *testing.T) {
	// n = 64 samples the same patch, map and kernel twice as finely as
	// n = 32 (spatialMapWaveNumber), so the top eigenvalues converge; the
	// remaining difference is the discretisation of a kernel 8 sites wide
	// against a map of wavelength 6.4 sites at n = 32. Observed: 3e-3 from
	// 32 to 64 and 8e-4 from 64 to 128; tol leaves a factor ~3.
	const tol = 0.01
	m32 := spatialTestModes(t, SpatialGeometry{N: 32, Kappa: 2}, 8)
	m64 := spatialTestModes(t, SpatialGeometry{N: 64, Kappa: 2}, 8)
	for i := range 5 {
		if d := math.Abs(m32.Mu[i] - m64.Mu[i]); d > tol {
			t.Errorf("μ_%d: n=32 %v, n=64 %v, differ by %v > %v", i+1, m32.Mu[i], m64.Mu[i], d, tol)
		}
	}
	for i := 1; i <= 2; i++ {
		if m64.MapProjection[i] < 0.99 {
			t.Errorf("n=64 mode %d map projection %v, want ≥ 0.99", i+1, m64.MapProjection[i])
		}
	}
}

func TestSpatialLyap2(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100 {
		var A, Q spatialMat2
		for i := range 2 {
			for j := range 2 {
				A[i][j] = rng.NormFloat64()
			}
		}
		tr := A[0][0] + A[1][1]
		det := A[0][0]*A[1][1] - A[0][1]*A[1][0]
		if !(tr < 0 && det > 0) {
			continue
		}
		q := rng.NormFloat64()
		Q = spatialMat2{{1 + q*q, q}, {q, 1}}
		X := spatialLyap2(A, Q)
		R := A.mul(X)
		RT := X.mul(A.t())
		for i := range 2 {
			for j := range 2 {
				if r := R[i][j] + RT[i][j] + Q[i][j]; math.Abs(r) > 1e-10*(1+math.Abs(X[i][j])) {
					t.Fatalf("A=%v: Lyapunov residual %v", A, r)
				}
			}
		}
	}
	// Closed-form gains against the Lyapunov solution; W = 0 gives 1.
	for _, c := range [][2]float64{{0, 1.1}, {30.0 / 7, 1.1}, {2.13809, 1.1}, {3, 1}, {1.5, 0.5}, {10, 3}} {
		o := newSpatialModeOU(c[0], c[1])
		if d := math.Abs(o.varianceGainE() - spatialVarianceGainE(c[0], c[1])); d > spatialTolClosed*o.varianceGainE() {
			t.Errorf("w_k=%v kI=%v: g_E Lyapunov %v, closed form %v", c[0], c[1], o.varianceGainE(), spatialVarianceGainE(c[0], c[1]))
		}
		if d := math.Abs(2*o.C[1][1] - spatialVarianceGainI(c[0], c[1])); d > spatialTolClosed*2*o.C[1][1] {
			t.Errorf("w_k=%v kI=%v: g_I Lyapunov %v, closed form %v", c[0], c[1], 2*o.C[1][1], spatialVarianceGainI(c[0], c[1]))
		}
	}
	if g := spatialVarianceGainE(0, 1.1); g != 1 {
		t.Errorf("g_E(W=0) = %v, want 1", g)
	}
}

// spatialSimpson integrates f over [0, T] with n (even) intervals.
func spatialSimpson(f func(float64) float64, T float64, n int) float64 {
	h := T / float64(n)
	s := f(0) + f(T)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(float64(i)*h)
	}
	return s * h / 3
}

func TestSpatialOUExactDiscretisation(t *testing.T) {
	for _, c := range [][3]float64{{30.0 / 7, 1.1, 0.1}, {9 * 0.7 / 2.1, 1.1, 0.5}, {2, 1, 0.25}, {0.5, 0.5, 1}} {
		wk, kI, dt := c[0], c[1], c[2]
		o := newSpatialModeOU(wk, kI)
		// e^{M t} closed form against gonum's Padé matrix exponential.
		var Me, E mat.Dense
		Me.Scale(dt, mat.NewDense(2, 2, []float64{o.M[0][0], o.M[0][1], o.M[1][0], o.M[1][1]}))
		E.Exp(&Me)
		Phi := o.expm(dt)
		for i := range 2 {
			for j := range 2 {
				if d := math.Abs(Phi[i][j] - E.At(i, j)); d > 1e-13 {
					t.Errorf("w_k=%v: e^{M dt}[%d][%d] = %v, Padé %v", wk, i, j, Phi[i][j], E.At(i, j))
				}
			}
		}
		// Q = C − ΦCΦᵀ equals ∫₀^dt e^{Ms}e^{Mᵀs} ds (Simpson, 2000 intervals:
		// error ~ h⁴·|M|⁴ ≈ 1e-12).
		_, L := o.step(dt, 1)
		Q := L.mul(L.t())
		for i := range 2 {
			for j := range 2 {
				q := spatialSimpson(func(s float64) float64 {
					P := o.expm(s)
					return P.mul(P.t())[i][j]
				}, dt, 2000)
				if math.Abs(q-Q[i][j]) > 1e-10 {
					t.Errorf("w_k=%v dt=%v: Q[%d][%d] = %v, ∫e^{Ms}e^{Mᵀs} = %v", wk, dt, i, j, Q[i][j], q)
				}
			}
		}
		// Simulated stationary covariance within sampling error. Samples
		// every step are correlated; the standard error of a variance
		// estimate is ≈ C·√(2·(1 + 2Σρ²)/n), ρ ≤ e^{−dt·λ_min}. Tolerance 5 SE.
		rng := rand.New(rand.NewPCG(7, 8))
		Ch := spatialChol2(o.C)
		z0, z1 := rng.NormFloat64(), rng.NormFloat64()
		aE, aI := Ch[0][0]*z0, Ch[1][0]*z0+Ch[1][1]*z1
		const steps = 200000
		var sEE, sII, sEI float64
		for range steps {
			z0, z1 := rng.NormFloat64(), rng.NormFloat64()
			aE, aI = Phi[0][0]*aE+Phi[0][1]*aI+L[0][0]*z0, Phi[1][0]*aE+Phi[1][1]*aI+L[1][0]*z0+L[1][1]*z1
			sEE += aE * aE
			sII += aI * aI
			sEI += aE * aI
		}
		rho := math.Exp(-dt) // slowest decay rate of these modes is 1 (δ)
		se := math.Sqrt(2 * (1 + 2*rho*rho/(1-rho*rho)) / steps)
		for _, v := range []struct {
			name      string
			got, want float64
			scale     float64
		}{
			{"C_EE", sEE / steps, o.C[0][0], o.C[0][0]},
			{"C_II", sII / steps, o.C[1][1], o.C[1][1]},
			{"C_EI", sEI / steps, o.C[0][1], math.Sqrt(o.C[0][0] * o.C[1][1])},
		} {
			// Modes with large gain also decay at rate 1 + w₊ ≥ 1, but feed-
			// forward makes ρ up to ~ (w_FF·dt)·e^{−dt}: allow 5 SE of the
			// δ-limited estimate times 3.
			if d := math.Abs(v.got - v.want); d > 15*se*v.scale {
				t.Errorf("w_k=%v dt=%v: simulated %s = %v, exact %v (SE %v)", wk, dt, v.name, v.got, v.want, se*v.scale)
			}
		}
	}
}

func TestSpatialCorrelationTime(t *testing.T) {
	for _, c := range [][2]float64{{30.0 / 7, 1.1}, {3, 1}, {1, 2}} {
		o := newSpatialModeOU(c[0], c[1])
		// ∫₀^∞ ρ(s) ds by Simpson on [0, 60]: the slowest rate is 1, so the
		// tail is e^{−60} and the quadrature error (h = 0.01) ~1e-10.
		q := spatialSimpson(func(s float64) float64 {
			return o.expm(s).mul(o.C)[0][0] / o.C[0][0]
		}, 60, 6000)
		if math.Abs(q-o.correlationTimeE()) > 1e-8 {
			t.Errorf("w_k=%v kI=%v: τ_c = %v, quadrature %v", c[0], c[1], o.correlationTimeE(), q)
		}
		// Hebbian mode with the same gain g: w_H = 1 − 1/g, C = 1/(2(1 − w_H)),
		// correlation time 1/(1 − w_H) = g.
		g := o.varianceGainE()
		wH := 1 - 1/g
		if gh := 1 / (1 - wH); math.Abs(gh-g) > spatialTolClosed*g {
			t.Errorf("Hebbian gain %v, want %v", gh, g)
		}
		if o.correlationTimeE() >= g && g > 1.5 {
			t.Errorf("w_k=%v kI=%v: balanced τ_c = %v not faster than Hebbian %v", c[0], c[1], o.correlationTimeE(), g)
		}
	}
}

// spatialDenseModes returns all eigenpairs of K̄ = K/λ_1 at small n.
func spatialDenseModes(t *testing.T, n int, sigma, kappa float64) (mu []float64, V *mat.Dense) {
	var eig mat.EigenSym
	if !eig.Factorize(spatialDenseK(n, sigma, kappa), true) {
		t.Fatal("EigenSym failed")
	}
	mu = eig.Values(nil)
	V = new(mat.Dense)
	eig.VectorsTo(V)
	l1 := floats.Max(mu)
	floats.Scale(1/l1, mu)
	return mu, V
}

func TestSpatialMapRandomVarianceRatioDense(t *testing.T) {
	const n = 16
	N := n * n
	mu, V := spatialDenseModes(t, n, SpatialDefaultSigmaD(n), 2)
	for _, k := range []int{4, 8, 16} {
		m := spatialTestModes(t, SpatialGeometry{N: n, Kappa: 2}, k)
		for _, c := range [][2]float64{{30.0 / 7, 1.1}, {2.13809, 1.1}, {3, 1}, {1, 3}, {1.5, 0.5}} {
			w, kI := c[0], c[1]
			var num, den, gE float64
			for j := range N {
				d := mat.Dot(V.ColView(j), mat.NewVecDense(N, m.mapUnit))
				g := spatialVarianceGainE(w*mu[j], kI)
				num += d * d * g
				den += g
			}
			exact := num / (den / float64(N))
			got, bound, err := m.MapRandomVarianceRatio(w, kI)
			if err != nil {
				t.Fatal(err)
			}
			// The Gauss–Radau remainder bound must hold and be useful. n = 16
			// is a coarse grid whose complement still has μ up to 0.3:
			// observed errors ≤ 1.7e-3·R (k = 4) and ≤ 8e-4·R (k = 8), bounds
			// ≤ 7e-3·R; at n = 32 both are ~10× smaller.
			if math.Abs(got-exact) > bound+1e-12*exact || bound > 1e-2*exact || math.Abs(got-exact) > 2e-3*exact {
				t.Errorf("k=%d w=%v kI=%v: ratio %v, dense %v: error %v, bound %v", k, w, kI, got, exact, got-exact, bound)
			}
			pg, _, err := m.PatternRandomVarianceRatio(m.mapUnit, w, kI)
			if err != nil || math.Abs(pg-got) > 1e-12*got {
				t.Errorf("PatternRandomVarianceRatio(p̂) = %v, %v, want %v", pg, err, got)
			}
			// The complement's mean gain ḡ_E against the dense modes.
			for j := range N - k {
				gE += spatialVarianceGainE(w*mu[j], kI) // mu ascending: the N − k smallest
			}
			gE /= float64(N - k)
			// The two-point rule for the complement's mean gain: at n = 16
			// the map's wavelength is 3.2 sites, so the complement still
			// holds μ up to ~0.4; observed ≤ 2.1e-3 relative (k = 4).
			if ge, _ := m.complementGains(w, kI); math.Abs(ge-gE) > 5e-3*gE {
				t.Errorf("k=%d w=%v kI=%v: complement gain %v, dense %v", k, w, kI, ge, gE)
			}
		}
	}
}

func TestSpatialEvokedMap(t *testing.T) {
	const n = 16
	N := n * n
	m := spatialTestModes(t, SpatialGeometry{N: n, Kappa: 2}, 8)
	K := spatialDenseK(n, SpatialDefaultSigmaD(n), 2)
	for _, c := range [][3]float64{{30.0 / 7, 1.1, 0}, {3, 1, 1}, {1.5, 0.5, 2}} {
		w, kI, phi := c[0], c[1], c[2]
		got, err := m.EvokedMap(context.Background(), phi, w, kI)
		if err != nil {
			t.Fatal(err)
		}
		// Dense: (1 + (kI−1)w K̄) x = I_E, r_E = (1 + kI w K̄) x.
		var A, B mat.Dense
		A.Scale((kI-1)*w/m.Lambda1, K)
		B.Scale(kI*w/m.Lambda1, K)
		for i := range N {
			A.Set(i, i, A.At(i, i)+1)
			B.Set(i, i, B.At(i, i)+1)
		}
		b := mat.NewVecDense(N, nil)
		for i, th := range m.Theta {
			b.SetVec(i, math.Exp(2*(math.Cos(2*(th-phi))-1)))
		}
		var x, r mat.VecDense
		if err := x.SolveVec(&A, b); err != nil {
			t.Fatal(err)
		}
		r.MulVec(&B, &x)
		want := r.RawVector().Data
		spatialCenter(want)
		// CG stops at 1e-10 relative residual; the condition number is
		// ≤ 1 + w₊,1 < 3 here, and the dense LU adds ~1e-14.
		if e := floats.Distance(got, want, 2) / floats.Norm(want, 2); e > 5e-10 {
			t.Errorf("w=%v kI=%v φ=%v: evoked map relative error %v", w, kI, phi, e)
		}
		if mean := floats.Sum(got) / float64(N); math.Abs(mean) > 1e-12 {
			t.Errorf("evoked map mean %v, want 0", mean)
		}
	}
}

func TestSpatialSimulatedRatio(t *testing.T) {
	m := spatialTestModes(t, SpatialGeometry{N: 32, Kappa: 2}, 8)
	w, kI := SpatialDefaultW, SpatialDefaultKI
	exact, bound, err := m.MapRandomVarianceRatio(w, kI)
	if err != nil {
		t.Fatal(err)
	}
	model := m.simulatedModelRatio(w, kI)
	// The simulated model differs from the exact network only in the
	// time course of the weak complement: 0.1% here.
	if math.Abs(model-exact) > 2e-3*exact+bound {
		t.Errorf("simulated-model ratio %v, exact %v", model, exact)
	}
	const T, dt = 2000, 0.25
	est, se, model2, err := m.SimulateMapRandomVarianceRatio(context.Background(), w, kI, 1, 42, T, dt)
	if err != nil {
		t.Fatal(err)
	}
	if model2 != model {
		t.Errorf("model ratio %v, want %v", model2, model)
	}
	// 4 standard errors: a seeded test, but it must not depend on the seed.
	if math.Abs(est-model) > 4*se || se > 0.2*model {
		t.Errorf("simulated ratio %v ± %v, exact model %v (exact network %v)", est, se, model, exact)
	}
	t.Logf("simulated %v ± %v, model %v, exact %v ± %v", est, se, model, exact, bound)
}

func TestSpatialActivityFrames(t *testing.T) {
	m := spatialTestModes(t, SpatialGeometry{N: 16, Kappa: 2}, 8)
	a, err := NewSpatialActivity(m, SpatialDefaultW, SpatialDefaultKI, 1, 9, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	N := m.N()
	fE, fI := make([]float32, N), make([]float32, N)
	mE, mI := make([]float32, N), make([]float32, N)
	for range 10 {
		a.Step()
	}
	a.Frame(fE, fI)
	a.FrameModes(mE, mI)
	// The top-k part of the frame is V·a: its projections are the amplitudes
	// (float32 frames: 1e-5 relative).
	for i, v := range m.Vectors {
		var pE, qE float64
		for j := range N {
			pE += v[j] * float64(fE[j])
			qE += v[j] * float64(mE[j])
		}
		tol := 1e-5 * (1 + math.Abs(a.aE[i]))
		if math.Abs(pE-a.aE[i]) > tol || math.Abs(qE-a.aE[i]) > tol {
			t.Errorf("mode %d: v·Frame = %v, v·FrameModes = %v, amplitude %v", i, pE, qE, a.aE[i])
		}
	}
	p, err := m.EvokedMap(context.Background(), 0, SpatialDefaultW, SpatialDefaultKI)
	if err != nil {
		t.Fatal(err)
	}
	if c := a.Correlation(p); !(c >= -1 && c <= 1) {
		t.Errorf("Correlation = %v, want in [−1, 1]", c)
	}
	if c := a.Correlation(p); c != a.Correlation(p) {
		t.Error("Correlation is not repeatable")
	}
	if st := a.Stats(); st.Steps != 10 || !(st.MapRandomVarianceRatio > 0) {
		t.Errorf("Stats = %+v", st)
	}
	if err := a.SetParams(1, 1.1, 1, 0.1); err != nil || a.Stats().Steps != 0 {
		t.Errorf("SetParams: %v, steps %d", err, a.Stats().Steps)
	}
	if err := a.SetParams(20, 0.5, 1, 0.1); err == nil || !strings.Contains(err.Error(), "unstable") {
		t.Errorf("SetParams(unstable) = %v", err)
	}
	// Same seed, same movie.
	b, _ := NewSpatialActivity(m, SpatialDefaultW, SpatialDefaultKI, 1, 9, 0.1)
	c, _ := NewSpatialActivity(m, SpatialDefaultW, SpatialDefaultKI, 1, 9, 0.1)
	b.Step()
	c.Step()
	b.Frame(fE, nil)
	c.Frame(mE, nil)
	for i := range fE {
		if fE[i] != mE[i] {
			t.Fatal("seeded activities differ")
		}
	}
}

func TestSpatialCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls, after := 0, -1
	_, err := ComputeSpatialModes(ctx, SpatialGeometry{N: 64, Kappa: 2}, 8, func(float64) {
		calls++
		if calls == 1 {
			cancel()
			after = 0
		} else {
			after++
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ComputeSpatialModes after cancel: %v, want context.Canceled", err)
	}
	// Cancelled in the first progress report, it must stop before the next
	// block of matvecs.
	if after != 0 {
		t.Errorf("%d more Lanczos iterations after cancel, want 0", after)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := ComputeSpatialModes(ctx2, SpatialGeometry{N: 32, Kappa: 2}, 8, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: %v", err)
	}
}

func TestSpatialReport(t *testing.T) {
	p := DefaultSpatialParams()
	p.Simulate = 200
	p.Seed = 1
	r, err := SpatialReport(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"thetaDeg", "mu", "mapProjection", "modeVarianceE", "mapRandomVarianceRatio", "simulatedMapRandomVarianceRatio", "wFF", "correlationTime"} {
		if _, ok := back[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	if len(r.ThetaDeg) != 32 || len(r.ThetaDeg[0]) != 32 {
		t.Fatalf("thetaDeg is %d×%d, want 32×32", len(r.ThetaDeg), len(r.ThetaDeg[0]))
	}
	for _, row := range r.ThetaDeg {
		for _, v := range row {
			if !(v >= 0 && v < 180) {
				t.Fatalf("thetaDeg value %v outside [0, 180)", v)
			}
		}
	}
	if math.Abs(r.ThetaDeg[0][1]-11.801) > 5e-4 {
		t.Errorf("thetaDeg[0][1] = %v, want 11.801", r.ThetaDeg[0][1])
	}
	if len(r.Mu) != 8 || math.Abs(r.WFF[0]-9) > 1e-12 {
		t.Errorf("mu %v, wFF %v: want 8 modes and w_FF,1 = 9", r.Mu, r.WFF)
	}
	p.Simulate = 0
	r0, err := SpatialReport(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if js, _ := json.Marshal(r0); strings.Contains(string(js), "simulated") {
		t.Error("simulated keys present without -simulate")
	}

	bad := []struct {
		name string
		edit func(*SpatialParams)
		want string
	}{
		{"unstable", func(p *SpatialParams) { p.W, p.KI = 20, 0.5 }, "unstable"},
		{"odd n", func(p *SpatialParams) { p.N = 33 }, "even"},
		{"small n", func(p *SpatialParams) { p.N = 6 }, "even"},
		{"large n", func(p *SpatialParams) { p.N = 130 }, "even"},
		{"negative σ", func(p *SpatialParams) { p.SigmaD = -1 }, "σ_d"},
		{"negative κ", func(p *SpatialParams) { p.Kappa = -1 }, "κ"},
		{"NaN w", func(p *SpatialParams) { p.W = math.NaN() }, "finite"},
		{"Inf kI", func(p *SpatialParams) { p.KI = math.Inf(1) }, "finite"},
		{"negative w", func(p *SpatialParams) { p.W = -1 }, "Dale"},
		{"modes", func(p *SpatialParams) { p.Modes = 1000 }, "modes"},
		{"simulate", func(p *SpatialParams) { p.Simulate = -1 }, "simulate"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			q := DefaultSpatialParams()
			c.edit(&q)
			if _, err := SpatialReport(context.Background(), q); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("SpatialReport(%s) = %v, want an error containing %q", c.name, err, c.want)
			}
		})
	}
}

func TestSpatialGridSizes(t *testing.T) {
	// Non-power-of-two grids go through the mixed-radix FFT.
	for _, n := range []int{8, 12, 48} {
		m := spatialTestModes(t, SpatialGeometry{N: n, Kappa: 2}, 6)
		spatialCheckModes(t, m)
	}
}

func ExampleSpatialReport() {
	r, err := SpatialReport(context.Background(), DefaultSpatialParams())
	if err != nil {
		panic(err)
	}
	fmt.Printf("μ = %.3f\n", r.Mu[:4])
	fmt.Printf("map projection of modes 2, 3: %.3f\n", r.MapProjection[1:3])
	fmt.Printf("w_FF of mode 1: %.1f\n", r.WFF[0])
	// Output:
	// μ = [1.000 0.701 0.699 0.317]
	// map projection of modes 2, 3: [0.999 0.999]
	// w_FF of mode 1: 9.0
}

// TestSpatialEvokedKrylovVsCG: the Krylov-basis evoked map agrees with an
// independent preconditioned-CG solve at n = 32 for a sequence of (w, kI)
// that forces the shared basis to grow (small β first, then large).
func TestSpatialEvokedKrylovVsCG(t *testing.T) {
	m := spatialTestModes(t, SpatialGeometry{N: 32, Kappa: 2}, 8)
	ctx := context.Background()
	// Both solves stop at relative residual 1e-10 on a matrix of condition
	// ≤ 1 + β ≤ 17, so they agree to ~1e-9 relative; 1e-8 leaves room.
	const tol = 1e-8
	for _, c := range [][2]float64{{1, 1.1}, {30.0 / 7, 1.1}, {8, 1.1}, {8, 3}, {2.13809, 1.5}, {0.5, 1}, {30.0 / 7, 1.1}} {
		w, kI := c[0], c[1]
		got, err := m.EvokedMap(ctx, 0, w, kI)
		if err != nil {
			t.Fatal(err)
		}
		x, err := m.solveShifted(ctx, (kI-1)*w, m.evokedInput(0))
		if err != nil {
			t.Fatal(err)
		}
		kx := make([]float64, len(x))
		m.Apply(kx, x)
		floats.AddScaled(x, kI*w, kx)
		spatialCenter(x)
		if d := floats.Distance(got, x, 2) / floats.Norm(x, 2); d > tol {
			t.Errorf("w=%v kI=%v: Krylov vs CG relative difference %.2g > %g", w, kI, d, tol)
		}
	}
	t.Logf("Krylov basis dimension after the sequence: %d", len(m.evokedBasis(0).alpha))
}

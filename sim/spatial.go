package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/floats"
)

// The spatially extended network of SCIENCE.md §4 (Murphy & Miller 2009,
// Fig 3): one E and one I unit per site of an n×n torus, W_E = w·K,
// W_I = kI·w·K with K the orientation- and distance-dependent kernel
//
//	K_ij = G(x_i − x_j) · exp(κ[cos 2(θ_i − θ_j) − 1]),   K ← K/λ_1(K).
//
// W_E and W_I commute, so every eigenvector v_k of K (eigenvalue μ_k) carries
// an independent copy of the Fig 1 circuit with w_k = w·μ_k:
//
//	w_FF,k = w μ_k (1 + kI),   w₊,k = w μ_k (kI − 1).
//
// The top modes are computed once per (n, σ_d, κ) by ComputeSpatialModes;
// everything that depends only on w, kI or the noise reuses them.

// Defaults and limits of the spatial network.
const (
	SpatialDefaultN     = 32
	SpatialDefaultKappa = 2.0
	SpatialDefaultW     = 30.0 / 7 // w_FF,1 = 9, w₊,1 = 3/7: the Fig 1 "Paper" preset
	SpatialDefaultKI    = 1.1
	SpatialDefaultModes = 8
	SpatialDefaultNoise = 1.0

	SpatialMinN     = 8
	SpatialMaxN     = 128
	SpatialMaxKappa = 100 // the Bessel series needs ≈ √(60κ) terms
	SpatialMaxModes = 64
)

// SpatialDefaultSigmaD returns the default Gaussian width in sites, 8·n/32
// (2 mm of the 4 mm patch at every n).
func SpatialDefaultSigmaD(n int) float64 { return 8 * float64(n) / 32 }

// spatialEigTol is the eigensolver's stopping rule on the estimated residual
// ‖K v − λ v‖ ≤ spatialEigTol·λ_1: two orders of magnitude below the 1e-8
// promised by SpatialModes.Residual, to absorb the rounding in the estimate.
const spatialEigTol = 1e-10

// spatialEigBlock is the block size of the Lanczos iteration: exact
// multiplicities up to it are resolved (κ = 0 has 4- and 8-fold ones) and the
// block's products run in parallel.
const spatialEigBlock = 8

// spatialEigSeed seeds the eigensolver's start block, so modes are
// reproducible.
const spatialEigSeed = 0x5EED

// SpatialGeometry fixes the kernel K: grid size N (sites per side), Gaussian
// width SigmaD (sites; 0 means SpatialDefaultSigmaD(N)) and orientation
// selectivity Kappa.
type SpatialGeometry struct {
	N      int
	SigmaD float64
	Kappa  float64
}

func (g SpatialGeometry) withDefaults() SpatialGeometry {
	if g.SigmaD == 0 {
		g.SigmaD = SpatialDefaultSigmaD(g.N)
	}
	return g
}

func (g SpatialGeometry) validate() error {
	if g.N < SpatialMinN || g.N > SpatialMaxN || g.N%2 != 0 {
		return fmt.Errorf("spatial: n = %d, want an even number in [%d, %d]", g.N, SpatialMinN, SpatialMaxN)
	}
	if !(g.SigmaD > 0) || g.SigmaD > float64(g.N) {
		return fmt.Errorf("spatial: σ_d = %v sites, want 0 < σ_d ≤ n = %d", g.SigmaD, g.N)
	}
	if !(g.Kappa >= 0) || g.Kappa > SpatialMaxKappa {
		return fmt.Errorf("spatial: κ = %v, want 0 ≤ κ ≤ %v", g.Kappa, float64(SpatialMaxKappa))
	}
	return nil
}

// spatialCheckCircuit validates w and kI: finite, non-negative (Dale's law),
// and stable. Since 0 ≤ μ_k ≤ 1, every mode is stable iff
// 1 + w₊,1 = 1 + w(kI − 1) > 0.
func spatialCheckCircuit(w, kI float64) error {
	if math.IsNaN(w) || math.IsInf(w, 0) || math.IsNaN(kI) || math.IsInf(kI, 0) {
		return fmt.Errorf("spatial: w = %v, kI = %v, want finite values", w, kI)
	}
	if w < 0 || kI < 0 {
		return fmt.Errorf("spatial: w = %v, kI = %v, want w ≥ 0 and kI ≥ 0 (Dale's law)", w, kI)
	}
	if 1+w*(kI-1) <= 0 {
		return fmt.Errorf("spatial: unstable: 1 + w(kI − 1) = %v ≤ 0 for the top mode (w = %v, kI = %v)", 1+w*(kI-1), w, kI)
	}
	return nil
}

// SpatialModes are the top eigenpairs of the normalised kernel K of a
// SpatialGeometry, with what the readouts need to reuse them. Its slices
// must not be modified; a SpatialModes is safe for concurrent use.
type SpatialModes struct {
	Geometry SpatialGeometry // with the default σ_d filled in
	Theta    []float64       // preferred orientation per site i = y·n + x, radians in [0, π)
	Lambda1  float64         // top eigenvalue of the unnormalised K
	Mu       []float64       // eigenvalues of K/λ_1, descending, Mu[0] = 1
	Vectors  [][]float64     // unit eigenvectors, sign fixed so the sum (else the largest entry) is positive
	Residual []float64       // ‖K v − μ v‖ for K/λ_1: ≤ 1e-8
	// MapProjection is the norm of each mode's projection on
	// span{cos 2θ − mean, sin 2θ − mean}: 1 for a pure orientation map.
	MapProjection []float64
	KrylovDim     int // dimension of the Krylov space the eigensolver used

	op      *spatialKernel
	mapUnit []float64 // p̂ = (cos 2θ − mean)/‖·‖
	mapSin  []float64 // sin 2θ − mean, orthonormalised against p̂
	pMom    spatialMoments
	trMom   spatialMoments

	evokedMu sync.Mutex
	evoked   map[float64]*spatialEvokedBasis // by stimulus orientation φ
}

// spatialMoments are the spectral moments Σ_k a_k μ_k^j, j = 0, 1, 2, of a
// weight a over ALL modes of K/λ_1: for a pattern p̂, a_k = (p̂·v_k)² and the
// moments are ‖p̂‖², p̂ᵀK p̂, ‖K p̂‖²; for the trace a_k = 1 and they are N,
// tr K, tr K².
type spatialMoments [3]float64

// ComputeSpatialModes returns the k largest eigenpairs of the normalised
// kernel K of geometry p (SCIENCE.md §4), never forming K: the matvec is the
// FFT convolution times the Bessel series of the orientation factor
// (spatialKernel), the eigensolver block Lanczos with full
// reorthogonalisation (spatialTopEigen). ctx is checked between Lanczos
// iterations; progress (may be nil) receives the converged fraction in [0, 1].
func ComputeSpatialModes(ctx context.Context, p SpatialGeometry, k int, progress func(frac float64)) (*SpatialModes, error) {
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	n, N := p.N, p.N*p.N
	if k < 1 || k > min(SpatialMaxModes, N) {
		return nil, fmt.Errorf("spatial: %d modes, want 1 to %d", k, min(SpatialMaxModes, N))
	}
	theta := spatialOrientationMap(n)
	g := spatialGaussian1D(n, p.SigmaD)
	op := newSpatialKernelFrom(n, theta, g, spatialBesselSeries(p.Kappa))
	rng := rand.New(rand.NewPCG(spatialEigSeed, uint64(n)))
	maxDim := min(N, 12*k+6*spatialEigBlock+64)
	lz, err := spatialTopEigen(ctx, op.applyBlock, N, k, spatialEigBlock, maxDim, spatialEigTol, rng, progress)
	if err != nil {
		return nil, fmt.Errorf("spatial modes n=%d σ_d=%v κ=%v: %w", n, p.SigmaD, p.Kappa, err)
	}
	m := &SpatialModes{Geometry: p, Theta: theta, Lambda1: lz.values[0], op: op, KrylovDim: lz.dim}
	if !(m.Lambda1 > 0) {
		return nil, fmt.Errorf("spatial modes n=%d: top eigenvalue %v is not positive", n, m.Lambda1)
	}
	for i, v := range lz.vectors {
		spatialFixSign(v)
		m.Mu = append(m.Mu, lz.values[i]/m.Lambda1)
		m.Residual = append(m.Residual, lz.residuals[i]/m.Lambda1)
		m.Vectors = append(m.Vectors, v)
	}

	// The idealised map p = cos 2θ − mean and its partner sin 2θ − mean.
	c := make([]float64, N)
	s := make([]float64, N)
	for i, t := range theta {
		s[i], c[i] = math.Sincos(2 * t)
	}
	spatialCenter(c)
	spatialCenter(s)
	floats.Scale(1/floats.Norm(c, 2), c)
	floats.AddScaled(s, -floats.Dot(c, s), c)
	floats.Scale(1/floats.Norm(s, 2), s)
	m.mapUnit, m.mapSin = c, s
	for _, v := range m.Vectors {
		a, b := floats.Dot(c, v), floats.Dot(s, v)
		m.MapProjection = append(m.MapProjection, math.Hypot(a, b))
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.pMom = m.patternMoments(c)
	// tr K = N·K_ii = N·g(0)²; tr K² = Σ_ij K_ij² = 1ᵀ K₂ 1 with K₂ the kernel
	// of G² and 2κ (exp(κ[cos − 1])² = exp(2κ[cos − 1])).
	g2 := make([]float64, n)
	for i, v := range g {
		g2[i] = v * v
	}
	op2 := newSpatialKernelFrom(n, theta, g2, spatialBesselSeries(2*p.Kappa))
	ones := make([]float64, N)
	for i := range ones {
		ones[i] = 1
	}
	k2 := make([]float64, N)
	op2.apply(k2, ones)
	m.trMom = spatialMoments{float64(N), float64(N) * g[0] * g[0] / m.Lambda1, floats.Sum(k2) / (m.Lambda1 * m.Lambda1)}
	return m, nil
}

// patternMoments returns ‖p‖², pᵀK̄p, ‖K̄p‖² for K̄ = K/λ_1 (one matvec).
func (m *SpatialModes) patternMoments(p []float64) spatialMoments {
	kp := make([]float64, len(p))
	m.op.apply(kp, p)
	floats.Scale(1/m.Lambda1, kp)
	return spatialMoments{floats.Dot(p, p), floats.Dot(p, kp), floats.Dot(kp, kp)}
}

// spatialCenter subtracts the mean.
func spatialCenter(v []float64) {
	mean := floats.Sum(v) / float64(len(v))
	for i := range v {
		v[i] -= mean
	}
}

// spatialFixSign makes the sum of v positive, or, for a vector summing to
// (almost) zero, its entry of largest magnitude.
func spatialFixSign(v []float64) {
	s := floats.Sum(v)
	if math.Abs(s) < 1e-6*math.Sqrt(float64(len(v))) {
		s = v[floats.MaxIdx(v)] + v[floats.MinIdx(v)]
	}
	if s < 0 {
		floats.Scale(-1, v)
	}
}

// N returns the number of sites n².
func (m *SpatialModes) N() int { return m.Geometry.N * m.Geometry.N }

// Apply sets dst = K̄ src for the normalised kernel K̄ = K/λ_1, by the FFT and
// Bessel-series matvec (O(M·N log N), no N×N matrix).
func (m *SpatialModes) Apply(dst, src []float64) {
	if len(dst) != m.N() || len(src) != m.N() {
		panic("spatial: Apply length mismatch")
	}
	m.op.apply(dst, src)
	floats.Scale(1/m.Lambda1, dst)
}

// SpatialModeReadout is the Fig 1 circuit of one mode, for given w and kI.
type SpatialModeReadout struct {
	Mu    float64 // eigenvalue of K/λ_1
	WFF   float64 // w_FF,k = w μ_k (1 + kI)
	WPlus float64 // w₊,k = w μ_k (kI − 1)
	// VarianceE is the stationary variance of the mode's E amplitude under
	// white noise, relative to the W = 0 network.
	VarianceE float64
	// CorrelationTime is ∫₀^∞ ρ_E(s) ds of the mode's E amplitude (units of τ);
	// HebbianCorrelationTime that of a Hebbian mode (one E population) with
	// the same variance gain g, which is g: a Hebbian mode pays for its gain
	// by slowing down, a balanced one does not.
	CorrelationTime        float64
	HebbianCorrelationTime float64
	MapProjection          float64
}

// Readouts returns the per-mode circuit parameters, E variances and
// correlation times for w and kI, reusing the modes (O(k)).
func (m *SpatialModes) Readouts(w, kI float64) ([]SpatialModeReadout, error) {
	if err := spatialCheckCircuit(w, kI); err != nil {
		return nil, err
	}
	out := make([]SpatialModeReadout, len(m.Mu))
	for i, mu := range m.Mu {
		wk := w * mu
		ou := newSpatialModeOU(wk, kI)
		g := ou.varianceGainE()
		out[i] = SpatialModeReadout{
			Mu:                     mu,
			WFF:                    wk * (1 + kI),
			WPlus:                  wk * (kI - 1),
			VarianceE:              g,
			CorrelationTime:        ou.correlationTimeE(),
			HebbianCorrelationTime: g,
			MapProjection:          m.MapProjection[i],
		}
	}
	return out, nil
}

// ModeVarianceE returns, per mode, the stationary E variance relative to the
// W = 0 network (from the mode's 2×2 Lyapunov equation).
func (m *SpatialModes) ModeVarianceE(w, kI float64) ([]float64, error) {
	if err := spatialCheckCircuit(w, kI); err != nil {
		return nil, err
	}
	out := make([]float64, len(m.Mu))
	for i, mu := range m.Mu {
		out[i] = spatialVarianceGainE(w*mu, kI)
	}
	return out, nil
}

// CorrelationTimes returns, per mode, the correlation time of the E amplitude
// (τ_c = ∫₀^∞ ρ(s) ds, units of τ) and that of a Hebbian mode with the same
// variance gain g (τ_H = g·τ): τ_H/τ_c is how many times slower Hebbian
// amplification would be.
func (m *SpatialModes) CorrelationTimes(w, kI float64) (balanced, hebbian []float64, err error) {
	r, err := m.Readouts(w, kI)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range r {
		balanced = append(balanced, x.CorrelationTime)
		hebbian = append(hebbian, x.HebbianCorrelationTime)
	}
	return balanced, hebbian, nil
}

// MapRandomVarianceRatio returns the Kenet-style ratio of spontaneous E
// variance along the idealised map p = cos 2θ − mean to that along an
// isotropic random unit vector q (DESIGN §2),
//
//	R = Var(p̂·r_E) / E_q Var(q̂·r_E) = Σ_k (p̂·v_k)² g(μ_k) / ((1/N) Σ_k g(μ_k)),
//
// summed over ALL N modes, g the E variance gain of a mode (W = 0 → 1,
// spatialVarianceGainE). The top-k modes enter exactly. The other N − k modes
// (all with 0 ≤ μ ≤ μ_k) enter through their exact spectral moments
// m_j = Σ a μ^j, j = 0, 1, 2 (from ‖p̂‖², p̂ᵀK̄p̂, ‖K̄p̂‖² and N, tr K̄ = N·K_ii/λ_1,
// tr K̄² = Σ_ij K_ij²/λ_1², minus the top-k part) by the two-node Gauss–Radau
// rule with one node at μ = 0 (spatialRadau), exact for quadratics in μ. Its
// error is bounded by sup|g‴|/6 · (μ_k m_2 − m_2²/m_1) for each sum;
// errBound propagates those bounds to R (first order); it is rigorous but
// loose: at the defaults (n = 32, 8 modes) R = 9.516 with errBound 0.011
// (1.2e-3·R), and at n = 16, where it can be checked against a dense
// eigendecomposition, the actual error is 4–8× below the bound.
func (m *SpatialModes) MapRandomVarianceRatio(w, kI float64) (ratio, errBound float64, err error) {
	if err := spatialCheckCircuit(w, kI); err != nil {
		return 0, 0, err
	}
	return m.ratio(m.mapUnit, m.pMom, w, kI)
}

// PatternRandomVarianceRatio is MapRandomVarianceRatio for any pattern p
// (e.g. an EvokedMap), normalised internally; it costs one matvec.
func (m *SpatialModes) PatternRandomVarianceRatio(p []float64, w, kI float64) (ratio, errBound float64, err error) {
	if err := spatialCheckCircuit(w, kI); err != nil {
		return 0, 0, err
	}
	if len(p) != m.N() {
		return 0, 0, fmt.Errorf("spatial: pattern of length %d, want %d", len(p), m.N())
	}
	nrm := floats.Norm(p, 2)
	if !(nrm > 0) || math.IsInf(nrm, 0) {
		return 0, 0, errors.New("spatial: pattern must be finite and nonzero")
	}
	u := append([]float64(nil), p...)
	floats.Scale(1/nrm, u)
	return m.ratio(u, m.patternMoments(u), w, kI)
}

func (m *SpatialModes) ratio(u []float64, mom spatialMoments, w, kI float64) (ratio, errBound float64, err error) {
	a := make([]float64, len(m.Mu))
	for i, v := range m.Vectors {
		d := floats.Dot(u, v)
		a[i] = d * d
	}
	ones := make([]float64, len(m.Mu))
	for i := range ones {
		ones[i] = 1
	}
	num, numErr := m.spectralSum(a, mom, w, kI)
	den, denErr := m.spectralSum(ones, m.trMom, w, kI)
	N := float64(m.N())
	den /= N
	denErr /= N
	ratio = num / den
	return ratio, (numErr + ratio*denErr) / den, nil
}

// spectralSum returns Σ over all modes of a_k·g_E(μ_k) given the top-k
// weights a and the all-mode moments mom, and a bound on its error.
func (m *SpatialModes) spectralSum(a []float64, mom spatialMoments, w, kI float64) (sum, errBound float64) {
	rest := mom
	for i, mu := range m.Mu {
		sum += a[i] * spatialVarianceGainE(w*mu, kI)
		rest[0] -= a[i]
		rest[1] -= a[i] * mu
		rest[2] -= a[i] * mu * mu
	}
	g := func(mu float64) float64 { return spatialVarianceGainE(w*mu, kI) }
	muMax := m.Mu[len(m.Mu)-1]
	r, bound := spatialRadau(rest, g, muMax)
	return sum + r, bound
}

// spatialRadau approximates ∫ f dν for a positive measure ν on [0, muMax]
// with moments mom = (m_0, m_1, m_2) by the Gauss–Radau rule with a node at 0:
//
//	∫ f dν ≈ (m_0 − m_1²/m_2)·f(0) + (m_1²/m_2)·f(m_2/m_1),
//
// exact for polynomials of degree ≤ 2. The remainder is
// f‴(ξ)/6 · ∫ μ(μ − m_2/m_1)² dν = f‴(ξ)/6 · (m_3 − m_2²/m_1), and
// m_3 ≤ muMax·m_2, so |error| ≤ sup|f‴|/6 · (muMax·m_2 − m_2²/m_1); sup|f‴|
// is taken over 64 points of [0, muMax] by central differences, plus 10%.
func spatialRadau(mom spatialMoments, f func(float64) float64, muMax float64) (integral, errBound float64) {
	for j := range mom { // rounding can leave tiny negatives
		mom[j] = math.Max(mom[j], 0)
	}
	m0, m1, m2 := mom[0], mom[1], mom[2]
	if m1 <= 0 || m2 <= 0 {
		return m0 * f(0), 0
	}
	nu := m2 / m1
	w1 := m1 * m1 / m2
	integral = (m0-w1)*f(0) + w1*f(nu)
	spread := math.Max(muMax*m2-m2*m2/m1, 0)
	h := 1e-3 * math.Max(muMax, 1e-3)
	var d3 float64
	const pts = 64
	for i := 0; i <= pts; i++ {
		x := muMax * float64(i) / pts
		d := (f(x+2*h) - 2*f(x+h) + 2*f(x-h) - f(x-2*h)) / (2 * h * h * h)
		d3 = math.Max(d3, math.Abs(d))
	}
	return integral, 1.1 * d3 / 6 * spread
}

// EvokedMap returns the evoked map p_φ: the steady-state r_E for the input
// I_E(x) = exp(2[cos 2(θ(x) − φ) − 1]) to E units only (I_I = 0), minus its
// mean. Per mode the steady state is r_E = (1 + kI w μ)/(1 + w₊) I_E, so
//
//	r_E = (1 + kI w K̄)(1 + (kI − 1) w K̄)⁻¹ I_E,
//
// solved to a relative residual ≤ 1e-10 in a Lanczos basis of K̄ on I_E
// that is built once per φ and shared by every (w, kI)
// (spatialEvokedBasis): a w or kI change costs a tridiagonal solve, not a
// conjugate-gradient run. solveShifted (PCG) is the independent check.
func (m *SpatialModes) EvokedMap(ctx context.Context, phi, w, kI float64) ([]float64, error) {
	if err := spatialCheckCircuit(w, kI); err != nil {
		return nil, err
	}
	if math.IsNaN(phi) || math.IsInf(phi, 0) {
		return nil, fmt.Errorf("spatial: φ = %v, want a finite angle", phi)
	}
	x, err := m.evokedBasis(phi).evoked(ctx, m.Apply, w, kI)
	if err != nil {
		return nil, err
	}
	spatialCenter(x)
	return x, nil
}

// evokedInput is the stimulus I_E(x) = exp(2[cos 2(θ(x) − φ) − 1]).
func (m *SpatialModes) evokedInput(phi float64) []float64 {
	b := make([]float64, m.N())
	for i, t := range m.Theta {
		b[i] = math.Exp(2 * (math.Cos(2*(t-phi)) - 1))
	}
	return b
}

// evokedBasis returns the (cached) Krylov basis of K̄ on the stimulus of
// orientation φ, shared by every (w, kI).
func (m *SpatialModes) evokedBasis(phi float64) *spatialEvokedBasis {
	m.evokedMu.Lock()
	defer m.evokedMu.Unlock()
	if m.evoked == nil {
		m.evoked = map[float64]*spatialEvokedBasis{}
	}
	e, ok := m.evoked[phi]
	if !ok {
		e = newSpatialEvokedBasis(m.evokedInput(phi))
		m.evoked[phi] = e
	}
	return e
}

// spatialCGTol is the relative residual of the evoked-map solve: the matrix
// has condition number ≤ 1 + w₊,1, so the relative error is below
// (1 + w₊,1)·1e-10, far below what an image shows.
const spatialCGTol = 1e-10

// solveShifted solves (1 + βK̄) x = b by preconditioned conjugate gradients.
func (m *SpatialModes) solveShifted(ctx context.Context, beta float64, b []float64) ([]float64, error) {
	N := len(b)
	mulA := func(dst, src []float64) {
		m.Apply(dst, src)
		for i := range dst {
			dst[i] = src[i] + beta*dst[i]
		}
	}
	// P z = z + Σ_k (1/(1 + βμ_k) − 1)(v_k·z) v_k.
	precond := func(dst, src []float64) {
		copy(dst, src)
		for i, v := range m.Vectors {
			floats.AddScaled(dst, (1/(1+beta*m.Mu[i])-1)*floats.Dot(v, src), v)
		}
	}
	x := make([]float64, N)
	precond(x, b)
	r := make([]float64, N)
	mulA(r, x)
	floats.SubTo(r, b, r)
	z := make([]float64, N)
	precond(z, r)
	p := append([]float64(nil), z...)
	ap := make([]float64, N)
	rz := floats.Dot(r, z)
	bn := floats.Norm(b, 2)
	const maxIter = 500
	for it := 0; floats.Norm(r, 2) > spatialCGTol*bn; it++ {
		if it == maxIter {
			return nil, fmt.Errorf("spatial evoked map: conjugate gradients did not converge in %d iterations", maxIter)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		mulA(ap, p)
		alpha := rz / floats.Dot(p, ap)
		floats.AddScaled(x, alpha, p)
		floats.AddScaled(r, -alpha, ap)
		precond(z, r)
		rzNew := floats.Dot(r, z)
		for i := range p {
			p[i] = z[i] + rzNew/rz*p[i]
		}
		rz = rzNew
	}
	return x, nil
}

// SpatialParams are the parameters of SpatialReport (the CLI's
// `balamp sim spatial`). Zero SigmaD, Modes or Noise mean their defaults.
type SpatialParams struct {
	N        int
	SigmaD   float64 // sites; 0 → 8·N/32
	Kappa    float64
	W        float64
	KI       float64
	Modes    int     // 0 → SpatialDefaultModes
	Simulate float64 // if > 0, simulate spontaneous activity for this long (units of τ)
	Seed     uint64
	Noise    float64 // noise amplitude s (⟨ηη⟩ = s²τδ); 0 → 1. Ratios do not depend on it.
}

// DefaultSpatialParams returns the talk's defaults: n = 32, σ_d = 8, κ = 2,
// w = 30/7, kI = 1.1, 8 modes.
func DefaultSpatialParams() SpatialParams {
	return SpatialParams{
		N: SpatialDefaultN, SigmaD: SpatialDefaultSigmaD(SpatialDefaultN), Kappa: SpatialDefaultKappa,
		W: SpatialDefaultW, KI: SpatialDefaultKI, Modes: SpatialDefaultModes, Noise: SpatialDefaultNoise,
	}
}

// SpatialResult is the JSON report of `balamp sim spatial` (DESIGN §2).
type SpatialResult struct {
	N      int     `json:"n"`
	SigmaD float64 `json:"sigmaD"`
	Kappa  float64 `json:"kappa"`
	W      float64 `json:"w"`
	KI     float64 `json:"kI"`

	ThetaDeg      [][]float64 `json:"thetaDeg"` // [y][x], degrees in [0, 180)
	Mu            []float64   `json:"mu"`
	WFF           []float64   `json:"wFF"`
	WPlus         []float64   `json:"wPlus"`
	MapProjection []float64   `json:"mapProjection"`
	ModeVarianceE []float64   `json:"modeVarianceE"`
	// CorrelationTime per mode (units of τ), and HebbianCorrelationTime of a
	// Hebbian mode with the same variance gain.
	CorrelationTime        []float64 `json:"correlationTime"`
	HebbianCorrelationTime []float64 `json:"hebbianCorrelationTime"`
	MaxResidual            float64   `json:"maxResidual"` // max ‖K̄v − μv‖ over the modes

	MapRandomVarianceRatio           float64 `json:"mapRandomVarianceRatio"`
	MapRandomVarianceRatioErrorBound float64 `json:"mapRandomVarianceRatioErrorBound"`

	SimulatedMapRandomVarianceRatio *float64 `json:"simulatedMapRandomVarianceRatio,omitempty"`
	// SimulatedStandardError is the sampling standard error of the simulated
	// ratio; SimulatedModelRatio the exact ratio of the simulated model (whose
	// modes beyond the top k evolve with W = 0, see SpatialActivity).
	SimulatedStandardError *float64 `json:"simulatedStandardError,omitempty"`
	SimulatedModelRatio    *float64 `json:"simulatedModelRatio,omitempty"`
}

// spatialSimulateDt is the sampling interval (units of τ) of SpatialReport's
// simulation; the discretisation is exact, so it only sets how many frames
// enter the estimate.
const spatialSimulateDt = 0.25

// spatialMaxSimulate caps the simulated time (units of τ) of SpatialReport.
const spatialMaxSimulate = 1e6

// SpatialReport computes the modes and readouts of the spatial network for
// the CLI (DESIGN §2).
func SpatialReport(ctx context.Context, p SpatialParams) (*SpatialResult, error) {
	geom := SpatialGeometry{N: p.N, SigmaD: p.SigmaD, Kappa: p.Kappa}.withDefaults()
	if err := geom.validate(); err != nil {
		return nil, err
	}
	if p.Modes == 0 {
		p.Modes = SpatialDefaultModes
	}
	if p.Noise == 0 {
		p.Noise = SpatialDefaultNoise
	}
	if err := spatialCheckCircuit(p.W, p.KI); err != nil {
		return nil, err
	}
	if !(p.Noise > 0) || math.IsInf(p.Noise, 0) {
		return nil, fmt.Errorf("spatial: noise = %v, want > 0", p.Noise)
	}
	if !(p.Simulate >= 0) || p.Simulate > spatialMaxSimulate {
		return nil, fmt.Errorf("spatial: simulate = %v, want 0 ≤ T ≤ %v", p.Simulate, spatialMaxSimulate)
	}
	m, err := ComputeSpatialModes(ctx, geom, p.Modes, nil)
	if err != nil {
		return nil, err
	}
	r := &SpatialResult{
		N: geom.N, SigmaD: geom.SigmaD, Kappa: geom.Kappa, W: p.W, KI: p.KI,
		Mu: m.Mu, MapProjection: m.MapProjection,
	}
	n := geom.N
	for y := range n {
		row := make([]float64, n)
		for x := range n {
			row[x] = m.Theta[y*n+x] * 180 / math.Pi
		}
		r.ThetaDeg = append(r.ThetaDeg, row)
	}
	ro, err := m.Readouts(p.W, p.KI)
	if err != nil {
		return nil, err
	}
	for _, x := range ro {
		r.WFF = append(r.WFF, x.WFF)
		r.WPlus = append(r.WPlus, x.WPlus)
		r.ModeVarianceE = append(r.ModeVarianceE, x.VarianceE)
		r.CorrelationTime = append(r.CorrelationTime, x.CorrelationTime)
		r.HebbianCorrelationTime = append(r.HebbianCorrelationTime, x.HebbianCorrelationTime)
	}
	r.MaxResidual = floats.Max(m.Residual)
	if r.MapRandomVarianceRatio, r.MapRandomVarianceRatioErrorBound, err = m.MapRandomVarianceRatio(p.W, p.KI); err != nil {
		return nil, err
	}
	if p.Simulate > 0 {
		est, se, model, err := m.SimulateMapRandomVarianceRatio(ctx, p.W, p.KI, p.Noise, p.Seed, p.Simulate, spatialSimulateDt)
		if err != nil {
			return nil, err
		}
		r.SimulatedMapRandomVarianceRatio, r.SimulatedStandardError, r.SimulatedModelRatio = &est, &se, &model
	}
	return r, nil
}

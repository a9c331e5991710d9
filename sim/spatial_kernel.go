package sim

import (
	"math"
	"math/bits"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// This file holds the geometry of the spatial network (SCIENCE.md §4): the
// orientation map on the n×n torus and the kernel
//
//	K_ij = G(x_i − x_j) · exp(κ[cos 2(θ_i − θ_j) − 1]),
//
// applied to a vector without ever forming the N×N matrix (N = n²).

// spatialMapWaves are the six wave vectors (m_j, l_j) of the orientation map
// across the torus, the same at every n (see spatialMapWaveNumber).
var spatialMapWaves = [6][2]int{{5, 0}, {4, 3}, {3, 4}, {0, 5}, {-3, 4}, {-4, 3}}

// spatialMapWaveNumber returns the wave number (cycles across the torus) of
// the map's plane wave m at grid size n. The torus is the same 4 mm patch of
// cortex at every n (SCIENCE.md §4.2), so a plane wave has the same number
// of cycles across it at every n and a finer grid samples the same map:
// θ at n = 64, site (2x, 2y), equals θ at n = 32, site (x, y). Lengths in
// sites (σ_d) scale by n/32 instead. (SCIENCE.md §4.2 also says to multiply
// (m_j, l_j) by n/32; that would fix the map's wavelength in sites, so a
// larger n would be a larger cortex at the same resolution, with σ_d
// doubling relative to the map, contradicting its own "same patch, modes
// converge". We keep the patch; the n = 32 check values are the same
// either way.)
func spatialMapWaveNumber(m, n int) float64 { return float64(m) }

// spatialGoldenFrac is the golden-ratio fraction that spreads the phases
// φ_j = 2π·frac(0.6180339887498949·j) of the map's plane waves.
const spatialGoldenFrac = 0.6180339887498949

// spatialOrientationMap returns the preferred orientation θ ∈ [0, π) of every
// site i = y·n + x of the n×n torus:
//
//	z(x,y) = Σ_{j=0..5} exp(i[2π(m_j x + l_j y)/n + φ_j]),   θ = arg(z)/2 mod π,
//
// with (m_j, l_j) the same at every n (see spatialMapWaveNumber).
func spatialOrientationMap(n int) []float64 {
	var m, l, phi [6]float64
	for j, ml := range spatialMapWaves {
		m[j] = spatialMapWaveNumber(ml[0], n)
		l[j] = spatialMapWaveNumber(ml[1], n)
		_, f := math.Modf(spatialGoldenFrac * float64(j))
		phi[j] = 2 * math.Pi * f
	}
	theta := make([]float64, n*n)
	for y := range n {
		for x := range n {
			var re, im float64
			for j := range 6 {
				s, c := math.Sincos(2*math.Pi*(m[j]*float64(x)+l[j]*float64(y))/float64(n) + phi[j])
				re += c
				im += s
			}
			t := math.Mod(math.Atan2(im, re)/2, math.Pi)
			if t < 0 {
				t += math.Pi
			}
			if t >= math.Pi { // −0 or rounding
				t = 0
			}
			theta[y*n+x] = t
		}
	}
	return theta
}

// spatialImages is the number of periodic images added on each side: the
// Gaussian is summed over images a, b ∈ −2..2 (SCIENCE.md §4.3).
const spatialImages = 2

// spatialGaussian1D returns g(d), d = 0..n−1, the one-dimensional periodised
// Gaussian
//
//	g(d) = Σ_{a=−2..2} exp(−(|d|ₙ + a·n)² / (2σ_d²)),   |d|ₙ = min(d, n − d),
//
// |d|ₙ being the minimal-image distance on the ring. The two-dimensional
// kernel is G(dx, dy) = g(dx)·g(dy) = Σ_{a,b} exp(−|d + (a,b)n|²/(2σ_d²)): an
// unnormalised Gaussian (K is normalised by its top eigenvalue anyway). Using
// the minimal image makes G even and exactly periodic, so K is exactly
// symmetric and G⊛ is exactly a circular convolution.
func spatialGaussian1D(n int, sigma float64) []float64 {
	g := make([]float64, n)
	for d := range n {
		dm := float64(min(d, n-d))
		for a := -spatialImages; a <= spatialImages; a++ {
			u := dm + float64(a*n)
			g[d] += math.Exp(-u * u / (2 * sigma * sigma))
		}
	}
	return g
}

// spatialBesselTol truncates the orientation series: terms with
// I_m(κ)/I_0(κ) below it are dropped. The dropped part of K is smaller than
// spatialBesselTol·K elementwise, far below the 1e-8 residual target.
const spatialBesselTol = 1e-14

// spatialBesselSeries returns c_m = e^{−κ} I_m(κ), m = 0..M, the Fourier
// coefficients of exp(κ[cos φ − 1]) = c_0 + 2 Σ_{m≥1} c_m cos(mφ), truncated at
// the last M with c_M/c_0 ≥ spatialBesselTol. The modified Bessel functions
// come from Miller's backward recurrence I_{m−1} = I_{m+1} + (2m/κ)·I_m,
// normalised by the identity c_0 + 2Σ_{m≥1} c_m = 1 (e^κ = I_0 + 2Σ I_m), so no
// exponential of κ is ever formed.
func spatialBesselSeries(kappa float64) []float64 {
	if kappa == 0 {
		return []float64{1}
	}
	// I_m(κ)/I_0(κ) ≈ exp(−m²/(2κ)) for m ≪ κ and ≈ (κ/2)^m/m! for m ≫ κ;
	// starting the recurrence well beyond both makes it exact to rounding.
	start := int(2*math.Sqrt(80*kappa)+kappa) + 40
	t := make([]float64, start+2)
	t[start+1], t[start] = 0, 1e-300
	for m := start; m >= 1; m-- {
		t[m-1] = t[m+1] + 2*float64(m)/kappa*t[m]
		if t[m-1] > 1e250 { // rescale to avoid overflow
			for j := m - 1; j <= start+1; j++ {
				t[j] *= 1e-250
			}
		}
	}
	sum := t[0]
	for m := 1; m <= start; m++ {
		sum += 2 * t[m]
	}
	M := 0
	for m := 1; m <= start && t[m] >= spatialBesselTol*t[0]; m++ {
		M = m
	}
	c := make([]float64, M+1)
	for m := range c {
		c[m] = t[m] / sum
	}
	return c
}

// spatialFFT2 is an unnormalised two-dimensional complex DFT on n×n data
// stored row-major (index y·n + x). Powers of two use an in-place radix-2
// transform whose column pass works on whole rows; other n use gonum's
// mixed-radix fourier.CmplxFFT along rows and gathered columns.
type spatialFFT2 struct {
	n   int
	tw  []complex128 // tw[j] = exp(−2πij/n), j < n/2 (radix-2 only)
	rev []int        // bit reversal permutation (radix-2 only)
	gen *fourier.CmplxFFT
	col []complex128
}

func newSpatialFFT2(n int) *spatialFFT2 {
	f := &spatialFFT2{n: n}
	if n&(n-1) == 0 {
		f.tw = make([]complex128, n/2)
		for j := range f.tw {
			s, c := math.Sincos(-2 * math.Pi * float64(j) / float64(n))
			f.tw[j] = complex(c, s)
		}
		lg := bits.TrailingZeros(uint(n))
		f.rev = make([]int, n)
		for i := range n {
			f.rev[i] = int(bits.Reverse(uint(i)) >> (bits.UintSize - lg))
		}
		return f
	}
	f.gen = fourier.NewCmplxFFT(n)
	f.col = make([]complex128, n)
	return f
}

// transform applies the 2-D DFT in place: exp(−2πi k·x/n) if inverse is false,
// exp(+2πi k·x/n) (unnormalised) if true.
func (f *spatialFFT2) transform(a []complex128, inverse bool) {
	n := f.n
	if f.gen != nil {
		for y := range n {
			row := a[y*n : (y+1)*n]
			if inverse {
				f.gen.Sequence(row, row)
			} else {
				f.gen.Coefficients(row, row)
			}
		}
		for x := range n {
			for y := range n {
				f.col[y] = a[y*n+x]
			}
			if inverse {
				f.gen.Sequence(f.col, f.col)
			} else {
				f.gen.Coefficients(f.col, f.col)
			}
			for y := range n {
				a[y*n+x] = f.col[y]
			}
		}
		return
	}
	for y := range n {
		f.radix2(a[y*n:(y+1)*n], inverse)
	}
	f.radix2Rows(a, inverse)
}

// radix2 is the iterative decimation-in-time FFT of one length-n sequence.
func (f *spatialFFT2) radix2(x []complex128, inverse bool) {
	n := f.n
	for i, r := range f.rev {
		if i < r {
			x[i], x[r] = x[r], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, step := size>>1, n/size
		for start := 0; start < n; start += size {
			for j := range half {
				w := f.tw[j*step]
				if inverse {
					w = complex(real(w), -imag(w))
				}
				p, q := start+j, start+j+half
				b := x[q] * w
				x[q] = x[p] - b
				x[p] += b
			}
		}
	}
}

// radix2Rows is radix2 along y, each butterfly acting on two whole rows.
func (f *spatialFFT2) radix2Rows(a []complex128, inverse bool) {
	n := f.n
	for i, r := range f.rev {
		if i < r {
			ri, rr := a[i*n:(i+1)*n], a[r*n:(r+1)*n]
			for x := range ri {
				ri[x], rr[x] = rr[x], ri[x]
			}
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, step := size>>1, n/size
		for start := 0; start < n; start += size {
			for j := range half {
				w := f.tw[j*step]
				if inverse {
					w = complex(real(w), -imag(w))
				}
				p, q := a[(start+j)*n:(start+j+1)*n], a[(start+j+half)*n:(start+j+half+1)*n]
				q = q[:len(p)]
				for x := range p {
					b := q[x] * w
					q[x] = p[x] - b
					p[x] += b
				}
			}
		}
	}
}

// spatialKernel applies K v = Σ_{m=−M..M} c_m e^{i2mθ} ⊙ (G ⊛ (e^{−i2mθ} ⊙ v)),
// c_m = e^{−κ} I_m(κ), the Bessel expansion of exp(κ[cos 2Δθ − 1]). For real
// v the ±m terms are complex conjugates, so
//
//	K v = c_0 G⊛v + 2 Σ_{m=1..M} c_m Re(e^{−i2mθ} ⊙ G⊛(e^{i2mθ} ⊙ v)),
//
// one convolution per m. G⊛ is a circular convolution computed with the 2-D FFT
// and the precomputed real transform Ĝ(kx, ky) = ĝ(kx)·ĝ(ky).
// Cost per matvec: (M + 1) pairs of n×n FFTs, O(M·N log N).
// A spatialKernel is safe for concurrent use.
type spatialKernel struct {
	n, N  int
	theta []float64
	rot   []complex128 // e^{i2θ} per site
	c     []float64    // c_m, m = 0..M
	ghat  []float64    // Ĝ/N per frequency, index ky·n + kx
	pool  sync.Pool    // *spatialKernelWork
}

type spatialKernelWork struct {
	fft   *spatialFFT2
	buf   []complex128
	phase []complex128
}

// newSpatialKernel builds the operator for the n×n torus with orientation
// map theta, Gaussian width sigma (sites) and orientation selectivity kappa.
func newSpatialKernel(n int, theta []float64, sigma, kappa float64) *spatialKernel {
	return newSpatialKernelFrom(n, theta, spatialGaussian1D(n, sigma), spatialBesselSeries(kappa))
}

// newSpatialKernelFrom builds the operator from the 1-D spatial profile g
// (G = g(dx)·g(dy)) and the orientation coefficients c_m.
func newSpatialKernelFrom(n int, theta, g, c []float64) *spatialKernel {
	N := n * n
	k := &spatialKernel{n: n, N: N, theta: theta, c: c}
	k.rot = make([]complex128, N)
	for i, t := range theta {
		s, co := math.Sincos(2 * t)
		k.rot[i] = complex(co, s)
	}
	gh := make([]float64, n)
	for q := range n {
		for d := range n {
			gh[q] += g[d] * math.Cos(2*math.Pi*float64(q*d%n)/float64(n))
		}
	}
	k.ghat = make([]float64, N)
	for ky := range n {
		for kx := range n {
			k.ghat[ky*n+kx] = gh[ky] * gh[kx] / float64(N)
		}
	}
	k.pool.New = func() any {
		return &spatialKernelWork{
			fft:   newSpatialFFT2(n),
			buf:   make([]complex128, N),
			phase: make([]complex128, N),
		}
	}
	return k
}

// convolve replaces a by G⊛a.
func (k *spatialKernel) convolve(w *spatialKernelWork, a []complex128) {
	w.fft.transform(a, false)
	for i, g := range k.ghat {
		a[i] *= complex(g, 0)
	}
	w.fft.transform(a, true)
}

// spatialParallelMin is the grid size N from which a single matvec splits
// its Bessel terms over goroutines (below it the FFTs are too short to pay).
const spatialParallelMin = 1024

// apply sets dst = K src. dst and src must not overlap. Large grids split
// the Bessel terms over up to GOMAXPROCS goroutines.
func (k *spatialKernel) apply(dst, src []float64) {
	workers := min(runtime.GOMAXPROCS(0), len(k.c))
	if workers <= 1 || k.N < spatialParallelMin {
		w := k.pool.Get().(*spatialKernelWork)
		defer k.pool.Put(w)
		k.applyTerms(w, dst, src, 0, len(k.c))
		return
	}
	parts := make([][]float64, workers)
	var wg sync.WaitGroup
	for p := range workers {
		lo, hi := p*len(k.c)/workers, (p+1)*len(k.c)/workers
		out := dst
		if p > 0 {
			out = make([]float64, k.N)
			parts[p] = out
		}
		wg.Go(func() {
			w := k.pool.Get().(*spatialKernelWork)
			defer k.pool.Put(w)
			k.applyTerms(w, out, src, lo, hi)
		})
	}
	wg.Wait()
	for _, part := range parts[1:] {
		for i, v := range part {
			dst[i] += v
		}
	}
}

func (k *spatialKernel) applyWork(w *spatialKernelWork, dst, src []float64) {
	k.applyTerms(w, dst, src, 0, len(k.c))
}

// applyTerms sets dst to the Bessel terms lo ≤ m < hi of K src.
func (k *spatialKernel) applyTerms(w *spatialKernelWork, dst, src []float64, lo, hi int) {
	buf, ph := w.buf, w.phase
	clear(dst)
	if lo == 0 {
		for i, v := range src {
			buf[i] = complex(v, 0)
		}
		k.convolve(w, buf)
		c0 := k.c[0]
		for i := range dst {
			dst[i] = c0 * real(buf[i])
		}
		lo = 1
	}
	if lo >= hi {
		return
	}
	for i, t := range k.theta { // e^{i2·lo·θ}, then the recurrence
		s, c := math.Sincos(2 * float64(lo) * t)
		ph[i] = complex(c, s)
	}
	for m := lo; m < hi; m++ {
		if m > lo {
			for i, r := range k.rot {
				ph[i] *= r
			}
		}
		for i, v := range src {
			buf[i] = ph[i] * complex(v, 0)
		}
		k.convolve(w, buf)
		cm := 2 * k.c[m]
		for i, p := range ph {
			// Re(conj(p)·b)
			b := buf[i]
			dst[i] += cm * (real(p)*real(b) + imag(p)*imag(b))
		}
	}
}

// applyBlock sets dst[j] = K src[j] for every j, in parallel over the block.
func (k *spatialKernel) applyBlock(dst, src [][]float64) {
	workers := min(runtime.GOMAXPROCS(0), len(src))
	if workers <= 1 {
		for j := range src {
			k.apply(dst[j], src[j])
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, len(src))
	for j := range src {
		next <- j
	}
	close(next)
	for range workers {
		wg.Go(func() {
			w := k.pool.Get().(*spatialKernelWork)
			defer k.pool.Put(w)
			for j := range next {
				k.applyWork(w, dst[j], src[j])
			}
		})
	}
	wg.Wait()
}

// spatialKernelEntry returns K_ij from the direct formula (for tests and dense
// comparisons): g(dx)·g(dy)·exp(κ[cos 2(θ_i − θ_j) − 1]).
func spatialKernelEntry(n int, theta, g []float64, kappa float64, i, j int) float64 {
	xi, yi := i%n, i/n
	xj, yj := j%n, j/n
	dx := ((xi-xj)%n + n) % n
	dy := ((yi-yj)%n + n) % n
	return g[dx] * g[dy] * math.Exp(kappa*(math.Cos(2*(theta[i]-theta[j]))-1))
}

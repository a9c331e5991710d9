package sim_test

import (
	"fmt"
	"math"

	"balamp/sim"
)

// The walkthrough's E pulse: rE overshoots its start while rI follows, and
// the sum σ = rE + rI peaks near t = 0.68τ.
func ExampleTwoPop_Pulse() {
	p := sim.TwoPop{W: 4 * math.Sqrt(2.0/7), KI: 1.1}
	for _, s := range []float64{0, 0.4, 0.8, 1.5, 3} {
		rE, rI := p.Pulse(1, 0, s)
		fmt.Printf("t=%.1f rE=%.2f rI=%.2f\n", s, rE, rI)
	}
	t, v := p.SumPeak(1, 0)
	fmt.Printf("sum peaks at t=%.2f with %.2f\n", t, v)
	// Output:
	// t=0.0 rE=1.00 rI=0.00
	// t=0.4 rE=1.22 rI=0.55
	// t=0.8 rE=1.16 rI=0.71
	// t=1.5 rE=0.84 rI=0.61
	// t=3.0 rE=0.29 rI=0.24
	// sum peaks at t=0.68 with 1.88
}

// The paper's weights (w = 30/7, kI = 1.1) amplify a sustained E input
// exactly fourfold, and inhibition responds paradoxically.
func ExampleTwoPop_Gain() {
	p := sim.TwoPop{W: 30.0 / 7, KI: 1.1}
	g := p.Gain()
	fmt.Printf("wFF=%.3f wPlus=%.4f\n", p.WFF(), p.WPlus())
	fmt.Printf("drE/dIE=%.3f drI/dII=%.3f\n", g[0][0], g[1][1])
	fmt.Printf("eigenvectors %.1f° apart\n", p.EigenvectorAngle())
	// Output:
	// wFF=9.000 wPlus=0.4286
	// drE/dIE=4.000 drI/dII=-2.300
	// eigenvectors 2.7° apart
}

// The Schur walkthrough toy: a true Schur form of W = U T Uᵀ, and the
// transient growth that a larger feed-forward gain g produces.
func ExampleSchur() {
	w := sim.ToyW(0.7, 1)
	sf, err := sim.Schur(w)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("residual < 1e-13: %v\n", sf.Residual() < 1e-13)
	fmt.Printf("henrici=%.4f\n", sim.Henrici(w))
	for _, g := range []float64{1, 2} {
		a := sim.ToyW(0.7, g)
		for i := range 3 {
			a.Set(i, i, a.At(i, i)-1)
		}
		gMax, tAt, _ := sim.MaxGrowth(a, 10)
		fmt.Printf("g=%v: omega=%+.3f Gmax=%.3f at t=%.2f\n", g, sim.NumericalAbscissa(a), gMax, tAt)
	}
	// Output:
	// residual < 1e-13: true
	// henrici=1.6698
	// g=1: omega=-0.088 Gmax=1.000 at t=0.00
	// g=2: omega=+0.811 Gmax=1.840 at t=1.46
}

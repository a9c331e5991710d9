package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"balamp/sim"
	"gonum.org/v1/gonum/mat"
)

// Tolerances of the CLI tests.
const (
	// simClosedFormTol: values the CLI takes from closed forms, compared with
	// other closed forms; a few ulps of O(1..10) numbers.
	simClosedFormTol = 1e-12
	// simQuadTol: Simpson's rule on dt = 0.002 over [0, 60τ]; its error is
	// O(dt⁴·max|rE⁗|) ≈ 1e-11, and the tail beyond 60τ is e^{−60}.
	simQuadTol = 1e-8
)

// simRun runs `balamp sim args…` in-process.
func simRun(t testing.TB, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), append([]string{"sim"}, args...), &out, &errb)
	return out.String(), errb.String(), err
}

// simJSON runs `balamp sim args…`, fails the test on an error and returns
// the decoded JSON.
func simJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, stderr, err := simRun(t, args...)
	if err != nil {
		t.Fatalf("sim %v: %v (stderr %q)", args, err, stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("sim %v: output is not JSON: %v\n%s", args, err, out)
	}
	return v
}

// simGet follows a dotted path ("gain.EE", "samples.0.rE") into decoded JSON.
func simGet(v any, path string) (any, bool) {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// simNum returns the number at path, failing the test if there is none.
func simNum(t *testing.T, v any, path string) float64 {
	t.Helper()
	x, ok := simGet(v, path)
	f, isNum := x.(float64)
	if !ok || !isNum {
		t.Fatalf("%s = %v (present %v), want a number", path, x, ok)
	}
	return f
}

func TestSimKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		keys []string
	}{
		{"twopop", []string{"twopop"}, []string{
			"wFF", "wPlus", "lambda", "samples.0.t", "samples.0.rE", "samples.0.rI",
			"samples.0.sum", "samples.0.diff", "sumPeak.t", "sumPeak.value", "gMax", "gMaxT",
			"numericalAbscissa", "henrici", "gain.EE", "gain.EI", "gain.IE", "gain.II",
			"noiseVariance.sum", "noiseVariance.diff", "eigenvectorAngleDeg",
		}},
		{"amplification", []string{"amplification"}, []string{
			"wHebbian", "wBalanced", "hebbian.integral", "hebbian.centroid", "hebbian.samples.0.t",
			"balanced.integral", "balanced.centroid", "balanced.samples.0.t",
		}},
		{"schur", []string{"schur"}, []string{
			"W.2.2", "T.2.2", "Z.2.2", "eigenvalues.2.re", "eigenvalues.2.im", "henrici",
			"gMax", "gMaxT", "numericalAbscissa", "residual",
		}},
		{"spatial", []string{"spatial", "-n", "8", "-modes", "4", "-simulate", "10"}, []string{
			"thetaDeg.7.7", "mu.3", "mapProjection.3", "modeVarianceE.3",
			"mapRandomVarianceRatio", "simulatedMapRandomVarianceRatio",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := simJSON(t, tc.args...)
			for _, k := range tc.keys {
				if x, ok := simGet(v, k); !ok {
					t.Errorf("sim %v: no %s", tc.args, k)
				} else if _, num := x.(float64); !num {
					t.Errorf("sim %v: %s = %v, want a number", tc.args, k, x)
				}
			}
		})
	}
}

// The walkthrough's readouts and table (SCIENCE.md §2) to the digits shown.
func TestSimTwoPopWalkthrough(t *testing.T) {
	v := simJSON(t, "twopop")
	for _, c := range []struct{ key, want string }{
		{"wFF", "4.490"}, {"wPlus", "0.214"}, {"lambda", "-0.214"},
	} {
		if got := fmt.Sprintf("%.3f", simNum(t, v, c.key)); got != c.want {
			t.Errorf("%s = %s, want %s", c.key, got, c.want)
		}
	}
	samples, _ := simGet(v, "samples")
	list, _ := samples.([]any)
	if len(list) != 1001 {
		t.Fatalf("len(samples) = %d, want 1001 (0…5τ by 0.005τ)", len(list))
	}
	for _, row := range []struct {
		t      float64
		rE, rI string
	}{{0, "1.00", "0.00"}, {0.4, "1.22", "0.55"}, {0.8, "1.16", "0.71"}, {1.5, "0.84", "0.61"}, {3, "0.29", "0.24"}} {
		i := int(math.Round(row.t / 0.005))
		p := "samples." + strconv.Itoa(i)
		if ts := simNum(t, v, p+".t"); math.Abs(ts-row.t) > 1e-9 {
			t.Fatalf("%s.t = %v, want %v", p, ts, row.t)
		}
		rE, rI := fmt.Sprintf("%.2f", simNum(t, v, p+".rE")), fmt.Sprintf("%.2f", simNum(t, v, p+".rI"))
		if rE != row.rE || rI != row.rI {
			t.Errorf("t = %v: rE, rI = %s, %s, want %s, %s", row.t, rE, rI, row.rE, row.rI)
		}
	}
}

// Identities between the twopop keys (SCIENCE.md §2, §6), each checked
// against an independent computation.
func TestSimTwoPopIdentities(t *testing.T) {
	for _, p := range []struct{ w, kI float64 }{{4 * math.Sqrt(2.0/7), 1.1}, {30.0 / 7, 1.1}, {0.5, 1}, {3, 2.5}, {1.5, 0.8}} {
		t.Run(fmt.Sprintf("w=%.3g,kI=%v", p.w, p.kI), func(t *testing.T) {
			args := []string{"twopop", "-w", fmt.Sprint(p.w), "-ki", fmt.Sprint(p.kI)}
			v := simJSON(t, args...)
			wFF, wp := simNum(t, v, "wFF"), simNum(t, v, "wPlus")
			near := func(name string, got, want, tol float64) {
				t.Helper()
				if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
					t.Errorf("%s = %.15g, want %.15g", name, got, want)
				}
			}
			near("henrici", simNum(t, v, "henrici"), wFF, simClosedFormTol)
			near("numericalAbscissa", simNum(t, v, "numericalAbscissa"), (-wp+math.Hypot(wFF, wp))/2-1, simClosedFormTol)
			if g := simNum(t, v, "gMax"); (simNum(t, v, "numericalAbscissa") > 0) != (g > 1) {
				t.Errorf("gMax = %v but numericalAbscissa = %v: transient growth iff ω > 0", g, simNum(t, v, "numericalAbscissa"))
			}

			// noiseVariance: the Lyapunov solution A C + C Aᵀ + 1 = 0, in the
			// sum and difference directions, over C₀ = ½·1 (variance 1 each).
			A := mat.NewDense(2, 2, []float64{p.w - 1, -p.kI * p.w, p.w, -p.kI*p.w - 1})
			C, err := sim.Lyapunov(A, mat.NewDiagDense(2, []float64{1, 1}))
			if err != nil {
				t.Fatal(err)
			}
			near("noiseVariance.sum", simNum(t, v, "noiseVariance.sum"), C.At(0, 0)+C.At(1, 1)+2*C.At(0, 1), 1e-10)
			near("noiseVariance.diff", simNum(t, v, "noiseVariance.diff"), C.At(0, 0)+C.At(1, 1)-2*C.At(0, 1), 1e-10)

			// gain: (1 − W)⁻¹ by an LU solve; and ∫rE dt after a unit E pulse
			// (Simpson on the CLI's own samples) equals drE/dIE.
			var inv mat.Dense
			if err := inv.Inverse(mat.NewDense(2, 2, []float64{1 - p.w, p.kI * p.w, -p.w, 1 + p.kI*p.w})); err != nil {
				t.Fatal(err)
			}
			for i, k := range []string{"gain.EE", "gain.EI", "gain.IE", "gain.II"} {
				near(k, simNum(t, v, k), inv.At(i/2, i%2), 1e-10)
			}
			long := simJSON(t, append(args, "-tend", "60", "-dt", "0.002")...)
			s, _ := simGet(long, "samples")
			rows := s.([]any)
			var integral float64
			for i, r := range rows {
				wt := 2.0
				switch {
				case i == 0 || i == len(rows)-1:
					wt = 1
				case i%2 == 1:
					wt = 4
				}
				integral += wt * r.(map[string]any)["rE"].(float64)
			}
			integral *= 0.002 / 3
			near("∫rE dt", integral, simNum(t, v, "gain.EE"), simQuadTol)
		})
	}
}

func TestSimAmplification(t *testing.T) {
	for _, a := range sim.AmplificationPresets() {
		t.Run(fmt.Sprintf("a=%v", a), func(t *testing.T) {
			v := simJSON(t, "amplification", "-a", fmt.Sprint(a))
			wB := (a - 1) / (1.1 - a*0.1) // SCIENCE.md §3
			if got := simNum(t, v, "wBalanced"); math.Abs(got-wB) > simClosedFormTol*wB+1e-15 {
				t.Errorf("wBalanced = %.15g, want %.15g", got, wB)
			}
			if got := simNum(t, v, "wHebbian"); math.Abs(got-(1-1/a)) > simClosedFormTol {
				t.Errorf("wHebbian = %.15g, want %.15g", got, 1-1/a)
			}
			for _, net := range []string{"hebbian", "balanced"} {
				if got := simNum(t, v, net+".integral"); math.Abs(got-a) > simClosedFormTol*a {
					t.Errorf("%s.integral = %.15g, want %v", net, got, a)
				}
			}
			// The default window lets the slowest (Hebbian) pulse fall below 1 %.
			s, _ := simGet(v, "hebbian.samples")
			rows := s.([]any)
			if last := rows[len(rows)-1].(map[string]any)["pulse"].(float64); last > 0.01 {
				t.Errorf("hebbian pulse at the end of the window = %v, want ≤ 0.01", last)
			}
		})
	}
	// The paper's 4×: w_B = 30/7 exactly.
	v := simJSON(t, "amplification", "-a", "4")
	if got := simNum(t, v, "wBalanced"); math.Abs(got-30.0/7) > simClosedFormTol {
		t.Errorf("wBalanced = %.15g, want 30/7", got)
	}
}

func TestSimSchur(t *testing.T) {
	v := simJSON(t, "schur", "-b", "0.7")
	var eig []float64
	for i := range 3 {
		p := "eigenvalues." + strconv.Itoa(i)
		if im := simNum(t, v, p+".im"); im != 0 {
			t.Errorf("%s.im = %v, want 0", p, im)
		}
		eig = append(eig, simNum(t, v, p+".re"))
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(eig)))
	for i, want := range []float64{0.09, -0.03, -0.06} {
		if math.Abs(eig[i]-want) > simClosedFormTol {
			t.Errorf("sorted eigenvalue %d = %.15g, want %v", i, eig[i], want)
		}
	}
	if r := simNum(t, v, "residual"); !(r < 1e-12) {
		t.Errorf("residual = %v, want < 1e-12", r)
	}

	// From the printed matrices: Z orthogonal, W = Z T Zᵀ, and Henrici's
	// departure = ‖T − diag T‖_F (T has no 2×2 blocks here).
	mtx := func(key string) *mat.Dense {
		m := mat.NewDense(3, 3, nil)
		for i := range 3 {
			for j := range 3 {
				m.Set(i, j, simNum(t, v, fmt.Sprintf("%s.%d.%d", key, i, j)))
			}
		}
		return m
	}
	W, T, Z := mtx("W"), mtx("T"), mtx("Z")
	var zt, ztz, ztZ mat.Dense
	zt.Mul(Z, T)
	ztz.Mul(&zt, Z.T())
	ztz.Sub(W, &ztz)
	if r := mat.Norm(&ztz, 2); r > 1e-12 {
		t.Errorf("‖W − Z T Zᵀ‖_F from the JSON = %v, want < 1e-12", r)
	}
	ztZ.Mul(Z.T(), Z)
	if !mat.EqualApprox(&ztZ, mat.NewDiagDense(3, []float64{1, 1, 1}), 1e-12) {
		t.Errorf("ZᵀZ = %v, want 1", mat.Formatted(&ztZ))
	}
	dep := math.Sqrt(T.At(0, 1)*T.At(0, 1) + T.At(0, 2)*T.At(0, 2) + T.At(1, 2)*T.At(1, 2))
	if h := simNum(t, v, "henrici"); math.Abs(h-dep) > simClosedFormTol {
		t.Errorf("henrici = %.15g, ‖T − diag T‖_F = %.15g", h, dep)
	}

	// SCIENCE.md §5: no transient growth at g = 1, growth at g = 2.
	for _, c := range []struct {
		g      string
		growth bool
	}{{"1", false}, {"2", true}} {
		v := simJSON(t, "schur", "-g", c.g)
		om, gm := simNum(t, v, "numericalAbscissa"), simNum(t, v, "gMax")
		if (om > 0) != c.growth || (gm > 1) != c.growth {
			t.Errorf("schur -g %s: numericalAbscissa = %v, gMax = %v, want growth %v", c.g, om, gm, c.growth)
		}
	}
}

func TestSimSpatial(t *testing.T) {
	v := simJSON(t, "spatial", "-n", "8", "-modes", "4")
	if _, ok := simGet(v, "simulatedMapRandomVarianceRatio"); ok {
		t.Error("simulatedMapRandomVarianceRatio present without -simulate")
	}
	if s := simNum(t, v, "sigmaD"); s != 2 {
		t.Errorf("sigmaD = %v, want the default 8·n/32 = 2", s)
	}
	th, _ := simGet(v, "thetaDeg")
	rows, _ := th.([]any)
	if len(rows) != 8 {
		t.Fatalf("len(thetaDeg) = %d, want 8", len(rows))
	}
	for y, r := range rows {
		cols, _ := r.([]any)
		if len(cols) != 8 {
			t.Fatalf("len(thetaDeg[%d]) = %d, want 8", y, len(cols))
		}
		for x, c := range cols {
			if d, _ := c.(float64); !(d >= 0 && d < 180) {
				t.Errorf("thetaDeg[%d][%d] = %v, want [0, 180)", y, x, c)
			}
		}
	}
	var mu []float64
	for i := range 4 {
		mu = append(mu, simNum(t, v, "mu."+strconv.Itoa(i)))
	}
	if mu[0] != 1 || !slices.IsSortedFunc(mu, func(a, b float64) int { return -cmpFloat(a, b) }) {
		t.Errorf("mu = %v, want descending from 1", mu)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A cancelled context stops the spatial model with a plain error (exit 1).
func TestSimSpatialCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := runSimContext(ctx, []string{"spatial", "-n", "16"}, &out, io.Discard)
	var u usageError
	if !errors.Is(err, context.Canceled) || errors.As(err, &u) {
		t.Errorf("cancelled spatial: err = %v, want context.Canceled, not a usage error", err)
	}
	if out.Len() > 0 {
		t.Errorf("cancelled spatial wrote %q to stdout", out.String())
	}
}

func TestSimErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing MODEL"},
		{[]string{"nope"}, `unknown model "nope"`},
		{[]string{"twopop", "-x", "1"}, "flag provided but not defined: -x"},
		{[]string{"twopop", "-w", "abc"}, "invalid value"},
		{[]string{"twopop", "-w", "NaN"}, "-w = NaN: want a finite number"},
		{[]string{"twopop", "-re0", "-Inf"}, "-re0 = -Inf: want a finite number"},
		{[]string{"twopop", "-ki", "0.5", "-w", "5"}, "unstable"},
		{[]string{"twopop", "-w", "-1"}, "-w = -1 is out of range"},
		{[]string{"twopop", "-dt", "0"}, "-dt = 0 is out of range"},
		{[]string{"twopop", "-dt", "1e-9"}, "samples"},
		{[]string{"twopop", "extra"}, "unexpected arguments: extra"},
		{[]string{"amplification", "-a", "11"}, "ceiling"},
		{[]string{"amplification", "-a", "3", "-ki", "1.5"}, "ceiling"},
		{[]string{"amplification", "-a", "0.5"}, "-a = 0.5 is out of range"},
		{[]string{"amplification", "-tend", "0"}, "-tend = 0 is out of range"},
		{[]string{"amplification", "-n", "1"}, "-n = 1 is out of range"},
		{[]string{"amplification", "-csv=maybe"}, "invalid boolean value"},
		{[]string{"schur", "-b", "1.5"}, "-b = 1.5 is out of range"},
		{[]string{"schur", "-g", "Inf"}, "-g = +Inf: want a finite number"},
		{[]string{"schur", "-csv"}, "flag provided but not defined: -csv"},
		{[]string{"spatial", "-n", "9"}, "even"},
		{[]string{"spatial", "-n", "4"}, "-n = 4 is out of range"},
		{[]string{"spatial", "-sigma", "0"}, "-sigma = 0 is out of range"},
		{[]string{"spatial", "-kappa", "-1"}, "-kappa = -1 is out of range"},
		{[]string{"spatial", "-modes", "65"}, "-modes = 65 is out of range"},
		{[]string{"spatial", "-w", "5", "-ki", "0.5"}, "unstable"},
		{[]string{"spatial", "-simulate", "-1"}, "-simulate = -1 is out of range"},
		{[]string{"spatial", "-seed", "-1"}, "invalid value"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := simRun(t, tc.args...)
			var u usageError
			if !errors.As(err, &u) {
				t.Fatalf("sim %v: err = %v, want a usageError", tc.args, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("sim %v: err = %q, want it to contain %q", tc.args, err, tc.want)
			}
			if len(tc.args) > 0 && tc.args[0] != "nope" && !strings.Contains(err.Error(), "sim "+tc.args[0]) {
				t.Errorf("sim %v: err = %q does not name the model", tc.args, err)
			}
			if out != "" {
				t.Errorf("sim %v wrote %q to stdout", tc.args, out)
			}
		})
	}
}

func TestSimHelp(t *testing.T) {
	for _, tc := range []struct {
		model string
		flags []string
	}{
		{"twopop", []string{"w", "ki", "re0", "ri0", "tend", "dt", "csv"}},
		{"amplification", []string{"a", "ki", "tend", "n", "csv"}},
		{"schur", []string{"b", "g"}},
		{"spatial", []string{"n", "sigma", "kappa", "w", "ki", "modes", "simulate", "seed"}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			out, stderr, err := simRun(t, tc.model, "-h")
			if err != nil || out != "" {
				t.Fatalf("sim %s -h: err = %v, stdout %q; want nil and nothing", tc.model, err, out)
			}
			for _, f := range tc.flags {
				if !strings.Contains(stderr, "\n  -"+f+" ") && !strings.Contains(stderr, "\n  -"+f+"\n") {
					t.Errorf("sim %s -h does not list -%s:\n%s", tc.model, f, stderr)
				}
			}
		})
	}
	_, stderr, err := simRun(t, "-h")
	if err != nil {
		t.Errorf("sim -h: err = %v, want nil", err)
	}
	for _, m := range simModels {
		if !strings.Contains(stderr, m.name) {
			t.Errorf("sim -h does not list %s:\n%s", m.name, stderr)
		}
	}
}

func TestSimCSV(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		header string
		rows   int
	}{
		{[]string{"twopop", "-csv", "-tend", "1", "-dt", "0.1"}, "t,rE,rI,sum,diff", 11},
		{[]string{"twopop", "-csv", "-tend", "0"}, "t,rE,rI,sum,diff", 1},
		{[]string{"amplification", "-csv", "-n", "11"},
			"t,hebbianPulse,hebbianStep,balancedPulse,balancedStep,balancedPulseI,balancedStepI,noRecurrencePulse,noRecurrenceStep", 11},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := simRun(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if lines[0] != tc.header {
				t.Errorf("header = %q, want %q", lines[0], tc.header)
			}
			if got := len(lines) - 1; got != tc.rows {
				t.Errorf("%d rows, want %d", got, tc.rows)
			}
			cols := strings.Count(tc.header, ",") + 1
			for i, l := range lines[1:] {
				fields := strings.Split(l, ",")
				if len(fields) != cols {
					t.Fatalf("row %d = %q: %d fields, want %d", i+1, l, len(fields), cols)
				}
				for _, f := range fields {
					if _, err := strconv.ParseFloat(f, 64); err != nil {
						t.Fatalf("row %d = %q: %v", i+1, l, err)
					}
				}
			}
		})
	}
	// The CSV carries the same samples as the JSON.
	v := simJSON(t, "twopop", "-tend", "1", "-dt", "0.1")
	out, _, _ := simRun(t, "twopop", "-csv", "-tend", "1", "-dt", "0.1")
	row := strings.Split(strings.Split(out, "\n")[5], ",")
	for j, k := range []string{"t", "rE", "rI", "sum", "diff"} {
		if f, _ := strconv.ParseFloat(row[j], 64); f != simNum(t, v, "samples.4."+k) {
			t.Errorf("CSV row 4 %s = %v, JSON %v", k, f, simNum(t, v, "samples.4."+k))
		}
	}
}

// FuzzSimArgs feeds arbitrary flag values to twopop and schur: no panic, and
// either valid JSON on stdout or an error with nothing on stdout.
func FuzzSimArgs(f *testing.F) {
	f.Add(false, "2.138", "1.1", "1", "0", "0.005")
	f.Add(false, "5", "0.5", "1", "0", "0.1")
	f.Add(false, "1000", "1000", "-1e6", "1e6", "1e-300")
	f.Add(false, "NaN", "+Inf", "0x1p-1074", "", "-0")
	f.Add(true, "0.7", "1", "", "", "")
	f.Add(true, "1", "100", "", "", "")
	f.Add(true, "1e-320", "-0", "", "", "")
	f.Fuzz(func(t *testing.T, schur bool, a, b, c, d, e string) {
		args := []string{"twopop", "-w", a, "-ki", b, "-re0", c, "-ri0", d, "-dt", e, "-tend", "1"}
		if schur {
			args = []string{"schur", "-b", a, "-g", b}
		}
		out, _, err := simRun(t, args...)
		if err != nil {
			if out != "" {
				t.Errorf("sim %q: error %v but stdout %q", args, err, out)
			}
			if err.Error() == "" {
				t.Errorf("sim %q: empty error message", args)
			}
			return
		}
		if !json.Valid([]byte(out)) {
			t.Errorf("sim %q: invalid JSON:\n%s", args, out)
		}
	})
}

// `balamp sim twopop` prints the walkthrough's circuit: its readouts and
// the E pulse sampled at t = 0 and 0.4τ.
func Example_sim() {
	var out bytes.Buffer
	args := []string{"sim", "twopop", "-tend", "0.4", "-dt", "0.4"}
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		fmt.Println(err)
		return
	}
	var r struct {
		WFF     float64 `json:"wFF"`
		WPlus   float64 `json:"wPlus"`
		Lambda  float64 `json:"lambda"`
		Samples []struct {
			T  float64 `json:"t"`
			RE float64 `json:"rE"`
			RI float64 `json:"rI"`
		} `json:"samples"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("wFF = %.3f, wPlus = %.3f, lambda = %.3f\n", r.WFF, r.WPlus, r.Lambda)
	for _, s := range r.Samples {
		fmt.Printf("t = %.1f: rE = %.2f, rI = %.2f\n", s.T, s.RE, s.RI)
	}
	// Output:
	// wFF = 4.490, wPlus = 0.214, lambda = -0.214
	// t = 0.0: rE = 1.00, rI = 0.00
	// t = 0.4: rE = 1.22, rI = 0.55
}

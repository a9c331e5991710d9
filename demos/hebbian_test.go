package demos

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"balamp/sim"
)

// checkFinite fails if any array or readout of f is NaN or ±Inf, or if the
// encoder had to replace it by an unstable frame.
func checkFinite(t *testing.T, f *Frame, h *FrameHeader) {
	t.Helper()
	for _, a := range f.Arrays {
		for i, v := range a.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("array %s[%d] = %v", a.Name, i, v)
			}
		}
	}
	if f.State == StateReady && h.State != StateReady {
		t.Fatalf("encoded state %q (%s), want ready", h.State, h.Message)
	}
	for k, v := range f.Readouts {
		if v == "NaN" || v == "+Inf" || v == "-Inf" {
			t.Errorf("readout %s = %q", k, v)
		}
	}
}

func TestHebbianSpec(t *testing.T) {
	s := NewHebbian().Spec()
	want := []string{"wHebbian", "wBalanced", "ampHebbian", "ampBalanced", "tauHebbian", "tauBalanced"}
	have := map[string]bool{}
	for _, r := range s.Readouts {
		have[r.Name] = true
	}
	for _, name := range want {
		if !have[name] {
			t.Errorf("hebbian spec lacks readout %q", name)
		}
	}
	for _, a := range sim.AmplificationPresets() {
		name := fmt.Sprintf("%gx", a)
		pr, ok := s.PresetByName(name)
		if !ok {
			t.Errorf("hebbian spec lacks preset %q", name)
			continue
		}
		if pr.Values["amp"] != a {
			t.Errorf("preset %s: amp = %v, want %v", name, pr.Values["amp"], a)
		}
	}
	if d := s.Defaults(); d["amp"] != 4 || d["kI"] != 1.1 {
		t.Errorf("defaults amp = %v, kI = %v, want 4, 1.1 (the paper's)", d["amp"], d["kI"])
	}
}

// TestHebbianPresetsExact checks that at every kI the presets below the
// ceiling give both networks the amplification they name, and that the
// measured ∫rE dt of the drawn pulse response (trapezoid rule plus the
// exponential tail after the window) agrees.
func TestHebbianPresetsExact(t *testing.T) {
	// The trapezoid rule with ≥ 4 samples per fast time constant τ/(1+w₊)
	// errs by ≈ (h/T)²/12 ≈ 0.5 % of the fast mode's area; 1 % leaves room.
	const trapTol = 1e-2
	for _, kI := range []float64{1, 1.05, 1.1, 1.2, 1.3, 3} {
		for _, a := range sim.AmplificationPresets() {
			t.Run(fmt.Sprintf("kI=%g/A=%g", kI, a), func(t *testing.T) {
				f, h, arrays := runOnce(t, NewHebbian(), map[string]any{"amp": a, "kI": kI})
				if !(a < sim.BalancedCeiling(kI)) {
					if h.State != StateUnstable {
						t.Fatalf("A = %v ≥ ceiling %v: state %q, want unstable", a, sim.BalancedCeiling(kI), h.State)
					}
					return
				}
				checkFinite(t, f, h)
				want := FormatNumber(a, 2)
				if got := h.Readouts["ampHebbian"]; got != want {
					t.Errorf("ampHebbian = %q, want %q", got, want)
				}
				if got := h.Readouts["ampBalanced"]; got != want {
					t.Errorf("ampBalanced = %q, want %q", got, want)
				}
				wB, _ := strconv.ParseFloat(h.Readouts["wBalanced"], 64)
				if got, err := sim.BalancedAmplification(wB, kI); err != nil || math.Abs(got-a) > 2e-3*a*a {
					// wB is shown with 3 decimals: dA/dw ≤ A²-ish bounds the rounding effect.
					t.Errorf("BalancedAmplification(%v, %v) = %v, %v; want ≈ %v", wB, kI, got, err, a)
				}
				ts := arrays["t"]
				for _, name := range []string{"hebbian", "balancedE"} {
					r := arrays[name]
					area := 0.0
					for i := 1; i < len(ts); i++ {
						area += float64(ts[i]-ts[i-1]) * float64(r[i]+r[i-1]) / 2
					}
					// Tail beyond the window: the slowest mode decays with the
					// network's decay time, ∫_T^∞ = r(T)·decay time.
					decay := 1.0
					if name == "hebbian" {
						decay = a
					}
					area += float64(r[len(r)-1]) * decay
					if math.Abs(area-a) > trapTol*a {
						t.Errorf("%s: ∫rE dt = %v from the drawn samples, want %v", name, area, a)
					}
				}
				m := f.Meta.(hebbianMeta)
				// The window lets the slowest (Hebbian) curve fall below 1 %.
				if last := arrays["hebbian"][len(ts)-1]; last > 0.01 {
					t.Errorf("Hebbian pulse at the window's end = %v, want < 1 %% of its peak 1", last)
				}
				if m.Balanced.Centroid >= 2 || math.Abs(m.Hebbian.Centroid-a) > 1e-12*a {
					t.Errorf("centroids: Hebbian %v (want A = %v), balanced %v (want < 2τ)", m.Hebbian.Centroid, a, m.Balanced.Centroid)
				}
			})
		}
	}
}

// TestHebbianCeiling checks that an amplification at or beyond the balanced
// ceiling kI/(kI − 1) gives an unstable frame with a message naming the
// ceiling, readouts that are not NaN, and no arrays.
func TestHebbianCeiling(t *testing.T) {
	for _, tc := range []struct {
		a, kI float64
	}{
		{11, 1.1}, // exactly at the ceiling
		{12, 1.1},
		{20, 1.1},
		{4, 3}, // ceiling 1.5
		{1.5, 3},
		{4, 2},
	} {
		t.Run(fmt.Sprintf("A=%g/kI=%g", tc.a, tc.kI), func(t *testing.T) {
			f, h, arrays := runOnce(t, NewHebbian(), map[string]any{"amp": tc.a, "kI": tc.kI})
			if h.State != StateUnstable {
				t.Fatalf("state = %q, want unstable", h.State)
			}
			if len(f.Arrays) != 0 || len(arrays) != 0 {
				t.Errorf("unstable frame carries %d arrays, want none", len(f.Arrays))
			}
			ceil := FormatNumber(sim.BalancedCeiling(tc.kI), 2)
			if !containsAll(h.Message, "ceiling", ceil) {
				t.Errorf("message %q does not name the ceiling %s", h.Message, ceil)
			}
			if got, want := h.Readouts["ampHebbian"], FormatNumber(tc.a, 2); got != want {
				t.Errorf("ampHebbian = %q, want %q", got, want)
			}
		})
	}
}

// TestHebbianExtremes runs the corners of the parameter space, and values
// out of range (which Validate clamps), and checks nothing non-finite is
// produced.
func TestHebbianExtremes(t *testing.T) {
	for _, raw := range []map[string]any{
		{"amp": 1.0, "kI": 1.0},
		{"amp": 1.0, "kI": 3.0},
		{"amp": 20.0, "kI": 1.0},
		{"amp": 1.49, "kI": 3.0},
		{"amp": 10.99, "kI": 1.1}, // just under the ceiling: w_B ≈ 10⁴
		{"amp": 10.999999, "kI": 1.1},
		{"amp": 4.0, "kI": 4.0 / 3}, // the ceiling 4 up to rounding: w_B ≈ 10¹⁵
		{"amp": 1e9, "kI": -5.0},    // clamped to 20, 1
		{"amp": -3.0, "kI": 99.0, "input": 1.0},
		{"amp": 20.0, "kI": 1.0, "input": 1.0},
		{"amp": 10.99, "kI": 1.1, "input": 1.0},
	} {
		t.Run(fmt.Sprint(raw), func(t *testing.T) {
			f, h, _ := runOnce(t, NewHebbian(), raw)
			checkFinite(t, f, h)
		})
	}
}

// TestHebbianSustained checks the sustained input: both recurrent responses
// settle at A, the reference at 1.
func TestHebbianSustained(t *testing.T) {
	const tol = 0.011 // SuggestedWindow promises within 1 % of A; float32 adds 1e-7
	for _, a := range []float64{2, 4, 10} {
		_, _, arrays := runOnce(t, NewHebbian(), map[string]any{"amp": a, "input": 1.0})
		n := len(arrays["t"])
		for name, want := range map[string]float64{"hebbian": a, "balancedE": a, "reference": 1} {
			if got := float64(arrays[name][n-1]); math.Abs(got-want) > tol*want {
				t.Errorf("A = %v: %s at the window's end = %v, want %v", a, name, got, want)
			}
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		found := false
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// BenchmarkHebbianFrame is the compute per parameter change of the Fig 2
// demo (target ≤ 1 ms), encoding included: at the paper's 4× (601 samples)
// and just under the ceiling at kI = 1.1, where the fast balanced mode asks
// for the most samples (4001).
func BenchmarkHebbianFrame(b *testing.B) {
	for _, a := range []float64{4, 10.99} {
		b.Run(fmt.Sprintf("A=%g", a), func(b *testing.B) {
			d := NewHebbian()
			p := d.Spec().Defaults()
			p["amp"] = a
			emit := func(f *Frame) error { _, err := EncodeFrame("w", 1, f); return err }
			for b.Loop() {
				if err := d.Run(context.Background(), p, emit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

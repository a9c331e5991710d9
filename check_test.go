package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck lints talks with `balamp check` and compares the problems it
// reports, each as file:line.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"good.slide":    "# Good\n\n## One\n\n.demo twopop paper\n.image pic.svg\n",
		"pic.svg":       "<svg xmlns='http://www.w3.org/2000/svg'/>",
		"stray.slide":   "# Stray\n\n## One\n\ntext\n\n# Oops\n\n## Lost\n\nnever shown\n",
		"fenced.slide":  "# Fenced\n\n## One\n\n```\n# a shell comment, not a heading\n```\n",
		"missing.slide": "# Missing\n\n## One\n\n.image nosuch.png\n",
		"demo.slide":    "# Demo\n\n## One\n\n.demo nosuch\n\n## Two\n\n.demo twopop nopreset\n.image gone.png\n",
		"code.slide":    "# Code\n\n## One\n\n.code nosuch.go\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		file string
		want []string // substrings of the report, one per problem; none: clean
	}{
		{"good.slide", nil},
		{"fenced.slide", nil},
		{"stray.slide", []string{"stray.slide:7: stray top-level heading"}},
		{"missing.slide", []string{"missing.slide:5: .image nosuch.png"}},
		{"demo.slide", []string{`demo.slide:5: unknown demo "nosuch"`, `demo.slide:9: demo twopop has no preset "nopreset"`, "demo.slide:10: .image gone.png"}},
		{"code.slide", []string{"code.slide:5"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"check", filepath.Join(dir, c.file)}, &out, &errb)
			if len(c.want) == 0 {
				if err != nil {
					t.Errorf("check %s: %v\n%s", c.file, err, out.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("check %s passed, want problems %q", c.file, c.want)
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("check %s reported\n%s\nwant a line containing %q", c.file, out.String(), w)
				}
			}
		})
	}
	// A directory is walked; the built-in lecture (no arguments) is clean.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check", dir}, &out, &out); err == nil || strings.Count(out.String(), "\n") < 5 {
		t.Errorf("check DIR: err %v, report\n%s\nwant the problems of every talk", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"check"}, &out, &out); err != nil {
		t.Errorf("the built-in lecture does not pass check: %v\n%s", err, out.String())
	}
}

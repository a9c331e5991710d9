package main

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"balamp/demos"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// renderFile renders testdata/render/NAME as an audience or presenter page.
func renderFile(t *testing.T, name string, presenter bool) string {
	t.Helper()
	tmpl, err := parseTalkTemplates(staticFiles())
	if err != nil {
		t.Fatal(err)
	}
	l := &talkLoader{fsys: os.DirFS("testdata/render"), registry: demos.Default()}
	doc, err := l.load(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	var buf bytes.Buffer
	cfg := pageConfig{Role: "audience", Talk: name, Socket: "/ws"} // no specs: keep goldens small
	if err := renderTalk(&buf, tmpl, doc, cfg, presenter); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	return buf.String()
}

// TestRenderGolden renders a Markdown and a legacy talk using every present
// element and compares with testdata/render/*.golden (go test -update).
func TestRenderGolden(t *testing.T) {
	for _, name := range []string{"markdown.slide", "legacy.slide"} {
		t.Run(name, func(t *testing.T) {
			got := renderFile(t, name, false)
			golden := filepath.Join("testdata", "render", strings.TrimSuffix(name, ".slide")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestRenderGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("render %s differs from %s; run go test -run TestRenderGolden -update and review the diff", name, golden)
			}
		})
	}
}

// TestRenderElements checks that each present element made it into the
// page, independent of the golden files' exact markup.
func TestRenderElements(t *testing.T) {
	md := renderFile(t, "markdown.slide", false)
	for _, want := range []string{
		`<h1>A Markdown talk</h1>`, `<h2 class="subtitle">Subtitle of it</h2>`, `Ada Lovelace`,
		`<em>emphasis</em>`, `<li>one</li>`,
		`fmt.Println(&#34;hello&#34;)`, `class="code play"`, `<img src="pic.svg"`, `<figcaption>`,
		`<a href="https://doi.org/10.1016/j.neuron.2009.02.005" target="_blank"`,
		`<p class="snippet">An <b>HTML</b> snippet.</p>`, `<iframe src="https://doi.org/`, `<video`,
		`<h3>First part</h3>`, `<h3>Second part</h3>`,
		`data-demo="twopop" data-widget="s5-0" data-preset="paper"`,
		`background-image: url(&#39;pic.svg&#39;)`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown talk lacks %s", want)
		}
	}
	if strings.Contains(md, "START OMIT") {
		t.Errorf("OMIT lines leaked into the rendered code")
	}
	legacy := renderFile(t, "legacy.slide", false)
	for _, want := range []string{`<h1>A legacy talk</h1>`, `<h2>First slide</h2>`, `<li>bullet one</li>`,
		`indented preformatted`, `<h3>A subsection</h3>`, `data-widget="s3-0"`} {
		if !strings.Contains(legacy, want) {
			t.Errorf("legacy talk lacks %s", want)
		}
	}
}

// TestNotesOnlyForPresenter: speaker notes are in the presenter page and
// nowhere in the audience page.
func TestNotesOnlyForPresenter(t *testing.T) {
	const note = "a speaker note that only the presenter sees"
	if got := renderFile(t, "markdown.slide", false); strings.Contains(got, note) {
		t.Errorf("audience page contains the speaker note")
	}
	if got := renderFile(t, "markdown.slide", true); !strings.Contains(got, note) {
		t.Errorf("presenter page lacks the speaker note")
	}
}

// TestTalkErrors: bad talks fail with file:line, and nothing outside the
// content root can be read.
func TestTalkErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown demo", "# T\n\n## S\n\n.demo nosuch\n", "bad.slide:5: unknown demo \"nosuch\""},
		{"unknown preset", "# T\n\n## S\n\n.demo twopop nosuch\n", "bad.slide:5: demo twopop has no preset \"nosuch\""},
		{"demo without name", "# T\n\n## S\n\n.demo\n", "bad.slide:5: .demo wants a demo name"},
		{"escape with ..", "# T\n\n## S\n\n.code ../secret.go\n", "outside the content directory"},
		{"missing code file", "# T\n\n## S\n\n.code nosuch.go\n", "nosuch.go"},
		{"unknown command", "# T\n\n## S\n\n.nosuch x\n", "bad.slide:5: unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"talks/bad.slide": {Data: []byte(c.src)}, "secret.go": {Data: []byte("package secret")}}
			sub, _ := fsSub(fsys, "talks")
			l := &talkLoader{fsys: sub, registry: demos.Default()}
			_, err := l.load("bad.slide")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("load(%q) error = %v, want it to contain %q", c.src, err, c.want)
			}
		})
	}
}

// FuzzTalkParse: no input makes parsing or rendering panic.
func FuzzTalkParse(f *testing.F) {
	for _, name := range []string{"markdown.slide", "legacy.slide"} {
		src, err := os.ReadFile(filepath.Join("testdata", "render", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	f.Add("# T\n\n## S\n\n.demo twopop paper\n.demo\n")
	tmpl, err := parseTalkTemplates(staticFiles())
	if err != nil {
		f.Fatal(err)
	}
	reg := demos.Default()
	f.Fuzz(func(t *testing.T, src string) {
		fsys := fstest.MapFS{"t.slide": {Data: []byte(src)}}
		l := &talkLoader{fsys: fsys, registry: reg}
		doc, err := l.load("t.slide")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		renderTalk(&buf, tmpl, doc, pageConfig{Role: "audience"}, false)
	})
}

func fsSub(fsys fstest.MapFS, dir string) (fs.FS, error) { return fs.Sub(fsys, dir) }

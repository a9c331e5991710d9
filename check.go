package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"balamp/demos"
)

// runCheck lints talks: `balamp check [PATH...]` (files or directories;
// default: the built-in lecture). It prints file:line: problem for each
// problem and fails if there is any.
func runCheck(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("balamp check", flag.ContinueOnError)
	fset.SetOutput(stderr)
	if err := fset.Parse(args); err != nil {
		return usageError{err}
	}
	reg := demos.Default()
	var problems []string
	if fset.NArg() == 0 {
		problems = checkTalk(embeddedTalk(), embeddedTalkName, reg)
	}
	for _, arg := range fset.Args() {
		st, err := os.Stat(arg)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if !st.IsDir() {
			problems = append(problems, checkTalk(os.DirFS(filepath.Dir(arg)), filepath.Base(arg), reg)...)
			continue
		}
		root := os.DirFS(arg)
		err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && path.Ext(p) == ".slide" {
				for _, pr := range checkTalk(root, p, reg) {
					problems = append(problems, filepath.Join(arg, pr))
				}
			}
			return nil
		})
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) found", len(problems))
	}
	return nil
}

// checkTalk returns the problems of one talk, each as "file:line: problem".
func checkTalk(fsys fs.FS, name string, reg *demos.Registry) []string {
	var problems []string
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return []string{err.Error()}
	}
	problems = append(problems, strayHeadings(name, src)...)
	l := &talkLoader{fsys: fsys, registry: reg}
	if _, err := l.load(name); err != nil {
		for _, e := range splitJoined(err) {
			problems = append(problems, e.Error())
		}
	}
	// Missing images are reported even when the talk does not parse, so
	// that one run lists everything to fix.
	return append(problems, missingAssets(fsys, name, src)...)
}

// splitJoined undoes errors.Join.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// strayHeadings finds "# " lines after the title of a Markdown talk:
// present ends the talk there and silently drops every slide after it.
func strayHeadings(name string, src []byte) []string {
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	line, seenTitle, markdown, fenced := 0, false, false, false
	for sc.Scan() {
		line++
		text := sc.Text()
		if !seenTitle {
			if strings.TrimSpace(text) == "" {
				continue
			}
			seenTitle, markdown = true, strings.HasPrefix(text, "# ")
			continue
		}
		if !markdown {
			break
		}
		if strings.HasPrefix(text, "```") {
			fenced = !fenced
		}
		if !fenced && (strings.HasPrefix(text, "# ") || text == "#") {
			problems = append(problems, fmt.Sprintf("%s:%d: stray top-level heading %q: present ends the talk here and the slides after it are lost (use ## for a slide)", name, line, text))
		}
	}
	return problems
}

// missingAssets reports .image, .video, .background and .iframe commands
// whose local file does not exist (present itself checks .code and .html).
func missingAssets(fsys fs.FS, name string, src []byte) []string {
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case ".image", ".video", ".background", ".iframe":
		default:
			continue
		}
		url := f[1]
		if strings.Contains(url, "://") || strings.HasPrefix(url, "/") || strings.HasPrefix(url, "data:") {
			continue
		}
		p := path.Join(path.Dir(name), url)
		if _, err := fs.Stat(fsys, p); err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %s %s: %v", name, line, f[0], url, errors.Unwrap(err)))
		}
	}
	return problems
}

package main

import (
	"embed"
	"io/fs"
	"strings"
)

// The talk, its front end and the sim sources its slides quote are built
// into the binary, so the lecture runs offline.
var (
	//go:embed slides
	embeddedSlides embed.FS
	//go:embed static
	embeddedStatic embed.FS
	//go:embed sim/doc.go sim/twopop.go sim/amplification.go sim/schur.go
	embeddedSim embed.FS
)

// embeddedTalk is the file system of the embedded talk: slides/ at its
// root, with sim/ beside it so that `.code sim/twopop.go` quotes the code
// that actually runs.
func embeddedTalk() fs.FS {
	slides, err := fs.Sub(embeddedSlides, "slides")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return overlayFS{base: slides, prefix: "sim", sub: embeddedSim}
}

// staticFiles is the embedded static/ directory.
func staticFiles() fs.FS {
	s, err := fs.Sub(embeddedStatic, "static")
	if err != nil {
		panic(err)
	}
	return s
}

// overlayFS serves names under prefix from sub and everything else from
// base.
type overlayFS struct {
	base   fs.FS
	prefix string
	sub    fs.FS
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if name == o.prefix || strings.HasPrefix(name, o.prefix+"/") {
		return o.sub.Open(name)
	}
	return o.base.Open(name)
}

package main

import (
	"context"
	"hash/fnv"
	"io/fs"
	"time"
)

// Limits of the content watcher.
const (
	watchInterval = 500 * time.Millisecond // how often -content is polled
	watchMaxFiles = 10000                  // files fingerprinted at the most
)

// watchContent polls fsys every interval and calls changed when a file
// appears, disappears, or changes size or modification time, compared with
// the fingerprint last (taken by the caller before it serves, so that no
// edit after the start can be missed). Polling needs no OS-specific API and
// costs one directory walk per interval (a talk directory holds tens of
// files). It returns when ctx is cancelled.
func watchContent(ctx context.Context, fsys fs.FS, last uint64, interval time.Duration, changed func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if fp := contentFingerprint(fsys); fp != last {
			last = fp
			changed()
		}
	}
}

// contentFingerprint hashes every file's path, size and modification time.
func contentFingerprint(fsys fs.FS) uint64 {
	h := fnv.New64a()
	files := 0
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || files >= watchMaxFiles {
			return fs.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		files++
		h.Write([]byte(p))
		var b [16]byte
		size, mod := uint64(info.Size()), uint64(info.ModTime().UnixNano())
		for i := range 8 {
			b[i], b[8+i] = byte(size>>(8*i)), byte(mod>>(8*i))
		}
		h.Write(b[:])
		return nil
	})
	return h.Sum64()
}

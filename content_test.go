package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestContentConfinement: with -content DIR nothing outside DIR is served,
// not through "..", not through a symbolic link, and hidden files (.git,
// .env) inside it are not served either; ordinary assets are.
func TestContentConfinement(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "t.slide"), []byte("# T\n\n## One\n\n.image pic.svg\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "pic.svg"), []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET=1"), 0o644))
	must(os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	must(os.WriteFile(filepath.Join(dir, ".git", "config"), []byte("SECRET"), 0o644))
	must(os.Symlink(secret, filepath.Join(dir, "link.txt")))
	srv := startServer(t, "-content", dir)
	cases := []struct {
		path string
		want int
	}{
		{"t.slide", http.StatusOK},
		{"pic.svg", http.StatusOK},
		{"link.txt", http.StatusNotFound},
		{".env", http.StatusNotFound},
		{".git/config", http.StatusNotFound},
		{"../" + filepath.Base(outside) + "/secret.txt", http.StatusNotFound},
		{"%2e%2e/secret.txt", http.StatusNotFound},
	}
	for _, c := range cases {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /%s: status %d, want %d", c.path, resp.StatusCode, c.want)
		}
		if string(body) == "SECRET" || string(body) == "SECRET=1" {
			t.Errorf("GET /%s leaked a file outside the talk: %q", c.path, body)
		}
	}
}

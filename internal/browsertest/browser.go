// Copyright 2026 The kubearc Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Package browsertest drives Debian's chromium, headless, from Go tests: the portal's journeys
// in a real browser. Each Browser has its own profile directory, trusts exactly one HTTPS
// server's certificate, keeps every response it receives (for checks that a secret never
// reached the browser), and saves a screenshot of the page when its test fails. It fails the
// test loudly, never skips, when chromium is missing.
package browsertest

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// TB is the part of testing.TB the harness needs.
type TB interface {
	Helper()
	Cleanup(func())
	Failed() bool
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Name() string
	TempDir() string
	ArtifactDir() string
}

// Options says what the browser trusts and how large its window is.
type Options struct {
	// TrustAddr is the host:port of the HTTPS server whose certificate the browser accepts,
	// after the harness verified it against CAPEM. Empty: only publicly trusted certificates.
	TrustAddr string
	// CAPEM is the PEM of the CA that signed TrustAddr's certificate.
	CAPEM []byte
	// Width and Height of the window; 1280x900 when zero.
	Width, Height int
}

// Browser is one headless chromium with one tab, ended when its test ends.
type Browser struct {
	t   TB
	ctx context.Context
	rec *recorder
	// artifacts is t's artifact directory, asked for when the browser started so that it
	// outlives the failure screenshot taken in a cleanup.
	artifacts string
}

// New starts chromium for t. It fails t when chromium is missing (run `make chromium`) or
// does not start.
func New(t TB, opts Options) *Browser {
	t.Helper()
	path, err := ExecPath()
	if err != nil {
		t.Fatalf("%v", err)
	}
	flags, err := allocatorOptions(path, t.TempDir(), opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	// Not t.Context(): it ends before the cleanups run, and the failure screenshot needs the
	// browser then.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{t: t, ctx: ctx, artifacts: t.ArtifactDir()}
	t.Cleanup(func() {
		b.screenshotOnFailure()
		cancel()
		cancelAlloc()
	})
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int]("1")); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	if err := b.record(); err != nil {
		t.Fatalf("recording the responses: %v", err)
	}
	return b
}

// In returns b for a subtest: failures are reported on t (and screenshot when t fails),
// the browser and its page stay shared.
func (b *Browser) In(t TB) *Browser {
	sub := &Browser{t: t, ctx: b.ctx, rec: b.rec, artifacts: t.ArtifactDir()}
	t.Cleanup(sub.screenshotOnFailure)
	return sub
}

// ExecPath finds Debian's chromium: $CHROMIUM, else chromium or chromium-browser on PATH.
func ExecPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium is not installed: run `make chromium` (hack/chromium.sh installs Debian's package) or set CHROMIUM")
}

// allocatorOptions are chromedp's defaults (headless) with this browser, a fresh profile
// directory, the window size and the one trusted certificate.
func allocatorOptions(path, profile string, opts Options) ([]chromedp.ExecAllocatorOption, error) {
	if opts.Width == 0 || opts.Height == 0 {
		opts.Width, opts.Height = 1280, 900
	}
	flags := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.UserDataDir(profile),
		chromedp.WindowSize(opts.Width, opts.Height), chromedp.DisableGPU)
	// Chromium refuses to start as root with its sandbox (it needs an unprivileged user for
	// the namespaces it sets up); CI and the dev machines run as root. The pages are our own.
	if os.Geteuid() == 0 {
		flags = append(flags, chromedp.NoSandbox)
	}
	if opts.TrustAddr != "" {
		pin, err := spkiPin(opts.TrustAddr, opts.CAPEM)
		if err != nil {
			return nil, err
		}
		flags = append(flags, chromedp.Flag("ignore-certificate-errors-spki-list", pin))
	}
	return flags, nil
}

// spkiPin connects to addr, verifies its certificate against caPEM, and returns the base64
// SHA-256 of its public key: chromium then accepts that one certificate (and no other
// untrusted one) without a system trust store change.
func spkiPin(addr string, caPEM []byte) (string, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return "", fmt.Errorf("trusting %s: no CA certificate in the given PEM", addr)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("trusting %s: %w", addr, err)
	}
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 10 * time.Second},
		Config: &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}}
	conn, err := dialer.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("trusting %s: %w", addr, err)
	}
	defer func() { _ = conn.Close() }()
	leaf := conn.(*tls.Conn).ConnectionState().PeerCertificates[0]
	sum := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// screenshotOnFailure saves the page as failure-*.png in the test's artifact directory (kept
// with `go test -artifacts`) when the test failed.
func (b *Browser) screenshotOnFailure() {
	if !b.t.Failed() {
		return
	}
	f, err := os.CreateTemp(b.artifacts, "failure-*.png")
	if err != nil {
		b.t.Logf("no screenshot of the failed page: %v", err)
		return
	}
	_ = f.Close()
	path := f.Name()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(path, png, 0o600)
	}
	if err != nil {
		b.t.Logf("no screenshot of the failed page: %v", err)
		return
	}
	b.t.Logf("the page when %s failed: %s", b.t.Name(), path)
}

// Screenshot saves what the window shows (not the whole scrolled page) as a PNG at path.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil { //nolint:gosec // an image for the docs
		b.t.Fatalf("screenshot: %v", err)
	}
}

// trimmed shortens s for a failure message.
func trimmed(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

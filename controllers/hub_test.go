/*
Copyright 2026 The kubearc Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package controllers

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	"github.com/kubearc/kubearc/hub/server"
)

// testHub is a real hub, in process, over HTTPS on a loopback port.
type testHub struct {
	url    string
	admin  string
	caPEM  []byte
	client *http.Client
	stop   context.CancelFunc
	done   chan error
}

func startHub(dir string) *testHub {
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	h := &testHub{stop: cancel, done: make(chan error, 1)}
	go func() {
		h.done <- server.Run(ctx, server.Config{Listen: "127.0.0.1:0", DataDir: dir, Log: slog.New(slog.DiscardHandler),
			BookmarkInterval: time.Second, Ready: func(addr string) { ready <- addr }})
	}()
	var addr string
	Eventually(ready, 30*time.Second).Should(Receive(&addr))
	h.url = "https://" + addr
	token, err := os.ReadFile(filepath.Join(dir, "admin.token"))
	Expect(err).NotTo(HaveOccurred())
	h.admin = strings.TrimSpace(string(token))
	h.caPEM, err = os.ReadFile(filepath.Join(dir, "ca.crt"))
	Expect(err).NotTo(HaveOccurred())
	pool := tlsPool(h.caPEM)
	h.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return h
}

func (h *testHub) shutdown() {
	h.stop()
	Eventually(h.done, 30*time.Second).Should(Receive(BeNil()))
}

// cluster sends a management API request for the test's connectedCluster as the hub's admin
// and decodes the answer.
func (h *testHub) cluster(method string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, h.url+connectedPath+"?api-version=2024-01-01", rd)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+h.admin)
	resp, err := h.client.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func tlsPool(caPEM []byte) *x509.CertPool {
	pool := x509.NewCertPool()
	Expect(pool.AppendCertsFromPEM(caPEM)).To(BeTrue())
	return pool
}

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

package controllers

import (
	"context"
	"encoding/json"
	"time"

	. "github.com/onsi/gomega"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/server"
)

// testHub is a real hub, in process, over HTTPS on a loopback port.
type testHub struct {
	*hubtest.Hub
}

func startHub(dir string) *testHub {
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: dir, Configure: func(cfg *server.Config) {
		cfg.BookmarkInterval = time.Second
	}})
	Expect(err).NotTo(HaveOccurred())
	return &testHub{Hub: h}
}

func (h *testHub) shutdown() {
	Expect(h.Stop()).To(Succeed())
}

// cluster sends a management API request for the test's connectedCluster as the hub's admin
// and decodes the answer.
func (h *testHub) cluster(method string, body any) (int, map[string]any) {
	status, raw, err := h.ARM(method, connectedPath, h.AdminToken, body)
	Expect(err).NotTo(HaveOccurred())
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return status, out
}

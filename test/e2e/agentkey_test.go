//go:build e2e

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

package e2e

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

// TestRSAAgentKey connects a cluster with an RSA agent key, the kind `az connectedk8s
// connect` makes: the agent proves possession with it, and the hub seals the protected
// settings to it (RSA-OAEP-256), which the agent opens into the cluster's Secret. Connecting
// again with an ECDSA key rotates the key.
func TestRSAAgentKey(t *testing.T) {
	e := newEnv(t)
	e.serveDemoCatalog()
	e.up("--agent-key-type", "rsa")
	t.Run("the agent's key is a 4096-bit RSA key", func(t *testing.T) {
		if k, ok := e.in(t).agentKey().(*rsa.PrivateKey); !ok || k.N.BitLen() != 4096 {
			t.Errorf("the agent key is a %T, want RSA of 4096 bits", k)
		}
	})
	outputs := []string{e.arcctl("k8s-extension", "create", "-c", cluster, "-g", group, "-n", "demo",
		"--extension-type", demoType, "--version", "0.1.0", "--auto-upgrade-minor-version", "false",
		"--scope", "cluster", "--release-namespace", "demo", "--configuration-protected-settings", "auth.password="+canary)}
	t.Run("the protected setting lands in the cluster's Secret", func(t *testing.T) {
		e := e.in(t)
		e.expectDemoConfigMap(map[string]string{"chartVersion": "0.1.0", "password": canary})
		if got := e.secretValue("demo-protected-settings", "auth.password"); got != canary {
			t.Errorf("the Secret demo-protected-settings holds auth.password=%q, want the protected setting", got)
		}
	})
	t.Run("connecting again with an ECDSA key rotates the key", func(t *testing.T) {
		e := e.in(t)
		e.connect("--agent-key-type", "ecdsa")
		if k, ok := e.agentKey().(*ecdsa.PrivateKey); !ok {
			t.Fatalf("the agent key is a %T after connecting with --agent-key-type ecdsa", k)
		}
		outputs = append(outputs, e.arcctl("k8s-extension", "update", "-c", cluster, "-g", group, "-n", "demo",
			"--configuration-protected-settings", "auth.password="+canary+"-rotated"))
		e.expectDemoConfigMap(map[string]string{"password": canary + "-rotated"})
	})
	t.Run("the protected setting shows nowhere outside the cluster", func(t *testing.T) {
		e.in(t).expectNoCanary(outputs)
	})
}

// agentKey is the private key in the agent key Secret.
func (e *env) agentKey() any {
	e.t.Helper()
	block, _ := pem.Decode([]byte(e.secretValue("kubearc-agent-key", "agent.key")))
	if block == nil {
		e.t.Fatal("the Secret kubearc-agent-key holds no PEM agent.key")
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		e.t.Fatal(err)
	}
	return key
}

// secretValue is the value of key in the Secret name of the agent's namespace.
func (e *env) secretValue(name, key string) string {
	e.t.Helper()
	jsonKey := strings.ReplaceAll(key, ".", `\.`)
	out, err := e.kubectlRun("", "get", "secret", name, "-n", "kubearc-system", "-o", "jsonpath={.data."+jsonKey+"}")
	if err != nil {
		e.t.Fatalf("kubectl get secret %s: %v: %s", name, err, out)
	}
	value, err := base64.StdEncoding.DecodeString(out)
	if err != nil {
		e.t.Fatalf("the Secret %s's %s is not base64: %v", name, key, err)
	}
	return string(value)
}

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

package connection

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/version"
	"github.com/kubearc/kubearc/pkg/agentclient"
)

// caField is the key of a CA bundle in a referenced Secret, as in cert-manager and Flux.
const caField = "ca.crt"

// missingSecretError says which referenced Secret (or key) is missing.
type missingSecretError struct{ what, ref string }

func (e *missingSecretError) Error() string {
	return fmt.Sprintf("the %s Secret %s is missing or has no %q key; create it in the agent's namespace", e.what, e.ref, caField)
}

// hubOptions builds the hub client options of an ArcConnection: the agent key, the hub CA
// and the proxy, read from the Secrets the spec names.
func (c *Connector) hubOptions(ctx context.Context, obj *arcv1alpha1.ArcConnection, id agentkey.Identity) (agentclient.Options, error) {
	spec := obj.Spec
	opts := agentclient.Options{HubURL: spec.HubURL, HubURLs: spec.HubURLs, ClusterID: spec.ResourceID, Key: id.Key,
		UserAgent: "kubearc-agent/" + version.Version}
	var err error
	if spec.HubCASecretRef != nil {
		if opts.HubCAPEM, err = c.caBundle(ctx, "hub CA", spec.HubCASecretRef.Name); err != nil {
			return opts, err
		}
	}
	if p := spec.Proxy; p != nil {
		opts.Proxy = &agentclient.ProxyConfig{URL: p.HTTPSProxy, NoProxy: p.NoProxy}
		if p.CASecretRef != nil {
			if opts.Proxy.CAPEM, err = c.caBundle(ctx, "proxy CA", p.CASecretRef.Name); err != nil {
				return opts, err
			}
		}
	}
	return opts, nil
}

func (c *Connector) caBundle(ctx context.Context, what, name string) ([]byte, error) {
	secret := &corev1.Secret{}
	err := c.Client.Get(ctx, client.ObjectKey{Namespace: c.Namespace, Name: name}, secret)
	if apierrors.IsNotFound(err) || (err == nil && len(secret.Data[caField]) == 0) {
		return nil, &missingSecretError{what: what, ref: c.Namespace + "/" + name}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the %s Secret: %w", what, err)
	}
	return secret.Data[caField], nil
}

// fingerprint identifies the options a client was built from, to rebuild it on a change.
func fingerprint(o agentclient.Options) string {
	h := sha256.New()
	pub, _ := x509.MarshalPKIXPublicKey(o.Key.Public())
	fmt.Fprintf(h, "%s\x00%q\x00%s\x00%x\x00%s\x00", o.HubURL, o.HubURLs, o.ClusterID, pub, o.HubCAPEM)
	if o.Proxy != nil {
		fmt.Fprintf(h, "%s\x00%v\x00%s", o.Proxy.URL, o.Proxy.NoProxy, o.Proxy.CAPEM)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// heartbeatInterval is the spec's interval, defaulted as the CRD does.
func heartbeatInterval(obj *arcv1alpha1.ArcConnection) time.Duration {
	if d := obj.Spec.HeartbeatInterval; d != nil && d.Duration > 0 {
		return d.Duration
	}
	return 30 * time.Second
}

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

package arcctl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
)

// agentNamespace is where connect installs the agent, its key and its Helm release.
const agentNamespace = "kubearc-system"

// kubeFlags are --kubeconfig and --kube-context.
type kubeFlags struct {
	kubeconfig string
	context    string
}

// kubeTarget is the cluster being connected or disconnected.
type kubeTarget struct {
	// getter loads clients for Helm; it also yields the raw kubeconfig for a local agent.
	getter *genericclioptions.ConfigFlags
	rest   *rest.Config
	client client.Client
}

// newKubeTarget loads the kubeconfig and context and checks that the API server answers.
// cacheDir keeps the discovery cache out of ~/.kube.
func newKubeTarget(ctx context.Context, f kubeFlags, cacheDir string) (*kubeTarget, error) {
	namespace := agentNamespace
	getter := genericclioptions.NewConfigFlags(true)
	getter.KubeConfig, getter.Context, getter.Namespace, getter.CacheDir = &f.kubeconfig, &f.context, &namespace, &cacheDir
	cfg, err := getter.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("loading the kubeconfig%s: %w; pass --kubeconfig and --kube-context", f.describe(), err)
	}
	cfg.Timeout = 30 * time.Second
	if err := reachable(ctx, cfg); err != nil {
		return nil, fmt.Errorf("cannot reach the cluster at %s%s: %w; check that it is running and that --kubeconfig and --kube-context point at it",
			cfg.Host, f.describe(), err)
	}
	c, err := client.New(cfg, client.Options{Scheme: kubeScheme()})
	if err != nil {
		return nil, fmt.Errorf("creating a client of the cluster at %s: %w", cfg.Host, err)
	}
	return &kubeTarget{getter: getter, rest: cfg, client: c}, nil
}

// describe names the kubeconfig and context for messages.
func (f kubeFlags) describe() string {
	s := ""
	if f.kubeconfig != "" {
		s += " (kubeconfig " + f.kubeconfig
	}
	if f.context != "" {
		if s == "" {
			s += " ("
		} else {
			s += ", "
		}
		s += "context " + f.context
	}
	if s != "" {
		s += ")"
	}
	return s
}

// reachable asks the API server its version, with a short deadline: a cluster that is down
// should say so in seconds, not after client-go's retries.
func reachable(ctx context.Context, cfg *rest.Config) error {
	short := rest.CopyConfig(cfg)
	short.Timeout = 10 * time.Second
	dc, err := discovery.NewDiscoveryClientForConfig(short)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		_, err := dc.ServerVersion()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func kubeScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(arcv1alpha1.AddToScheme(scheme))
	return scheme
}

// ensureNamespace creates the agent's namespace when it is missing.
func (k *kubeTarget) ensureNamespace(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: agentNamespace}}
	if err := k.client.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating the namespace %s: %w", agentNamespace, err)
	}
	if err := k.client.Get(ctx, client.ObjectKeyFromObject(ns), ns); err != nil {
		return fmt.Errorf("reading the namespace %s: %w", agentNamespace, err)
	}
	if ns.DeletionTimestamp != nil {
		return fmt.Errorf("the namespace %s is being deleted (a disconnect is not finished); wait until it is gone, then connect again", agentNamespace)
	}
	return nil
}

// deleteNamespace deletes the agent's namespace; it reports false when it was already gone.
func (k *kubeTarget) deleteNamespace(ctx context.Context) (bool, error) {
	err := k.client.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: agentNamespace}})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deleting the namespace %s: %w", agentNamespace, err)
	}
	return true, nil
}

// writeKubeconfig writes the kubeconfig of the target's context alone, with credentials
// inlined, to path with mode 0600: a local agent keeps working when the original file changes.
func (k *kubeTarget) writeKubeconfig(path string) error {
	raw, err := k.getter.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return fmt.Errorf("reading the kubeconfig: %w", err)
	}
	if *k.getter.Context != "" {
		raw.CurrentContext = *k.getter.Context
	}
	if err := clientcmdapi.MinifyConfig(&raw); err != nil {
		return fmt.Errorf("extracting the context %q from the kubeconfig: %w", raw.CurrentContext, err)
	}
	if err := clientcmdapi.FlattenConfig(&raw); err != nil {
		return fmt.Errorf("inlining the kubeconfig's credentials: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	if err := clientcmd.WriteToFile(raw, path); err != nil {
		return fmt.Errorf("writing the agent's kubeconfig: %w", err)
	}
	return os.Chmod(path, 0o600)
}

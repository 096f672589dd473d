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

// Command gitops measures the GitOps latencies. By default the agent's half: from a
// GitOpsConfiguration spec change to the Flux GitRepository in the cluster, and from a Flux
// status change to the GitOpsConfiguration's complianceState. With --hub the whole path:
// from the ARM PUT of a fluxConfiguration on bin/kubearc-hub to the GitRepository in the
// cluster, and from a Flux status change to the hub's complianceState (GET polled every
// --poll). It runs envtest's kube-apiserver (bin/k8s, make envtest) with the Flux CRDs
// (test/crds/flux) and bin/kubearc-agent as a process (with --hub connected by bin/arcctl
// as a local agent); the benchmark plays Flux by writing the GitRepository's status.
// docs/benchmarks.md describes it and keeps results.
//
//	go run ./test/bench/gitops [--changes 100] [--agent bin/kubearc-agent] [--hub [--poll 5ms]]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/localcluster"
)

const (
	agentNamespace = "kubearc-system"
	fluxNamespace  = "bench-flux"
	configName     = "bench"
	// probeTimeout marks a probe as lost; a run with lost probes is invalid.
	probeTimeout = 10 * time.Second
)

func main() {
	changes := flag.Int("changes", 100, "changes measured in each direction (after 5 of warm-up)")
	agent := flag.String("agent", "bin/kubearc-agent", "the agent binary")
	withHub := flag.Bool("hub", false, "measure through bin/kubearc-hub (ARM PUT, hub GET) instead of the agent's half")
	hubBinary := flag.String("hub-binary", "bin/kubearc-hub", "the hub binary (with --hub)")
	arcctl := flag.String("arcctl", "bin/arcctl", "the arcctl binary that connects the cluster (with --hub)")
	poll := flag.Duration("poll", 5*time.Millisecond, "pause between the hub GETs while waiting for complianceState (with --hub)")
	flag.Parse()
	var err error
	if *withHub {
		err = runHub(context.Background(), *changes, *poll, binaries{agent: *agent, hub: *hubBinary, arcctl: *arcctl})
	} else {
		err = run(context.Background(), *changes, *agent)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gitops benchmark:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, changes int, agent string) error {
	env, c, err := startCluster()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	stop, err := startAgent(ctx, env, agent)
	if err != nil {
		return err
	}
	defer stop()
	b := &bench{c: c}
	if err := b.setUp(ctx); err != nil {
		return err
	}
	lost, err := b.measureBoth(ctx, changes,
		direction{"GitOpsConfiguration spec change -> GitRepository spec", b.specChange},
		direction{"GitRepository Ready change -> GitOpsConfiguration complianceState", b.statusChange})
	if err != nil {
		return err
	}
	return lostProbes(lost)
}

// startCluster starts a local cluster with the Flux CRDs and returns a client of it.
func startCluster() (*envtest.Environment, client.WithWatch, error) {
	env, cfg, err := localcluster.Start()
	if err != nil {
		return nil, nil, err
	}
	if _, err := envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{Paths: []string{"test/crds/flux"}, ErrorIfPathMissing: true}); err != nil {
		_ = env.Stop()
		return nil, nil, fmt.Errorf("installing the Flux CRDs (run from the repository root): %w", err)
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme()})
	if err != nil {
		_ = env.Stop()
		return nil, nil, err
	}
	return env, c, nil
}

func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(arcv1alpha1.AddToScheme(s))
	utilruntime.Must(sourcev1.AddToScheme(s))
	utilruntime.Must(kustomizev1.AddToScheme(s))
	return s
}

// adminKubeconfig writes a cluster-admin kubeconfig of the test cluster into a new temp
// directory and returns both.
func adminKubeconfig(env *envtest.Environment) (dir, path string, err error) {
	user, err := env.AddUser(envtest.User{Name: "kubearc-agent", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return "", "", err
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return "", "", err
	}
	dir, err = os.MkdirTemp("", "gitops-bench")
	if err != nil {
		return "", "", err
	}
	path = filepath.Join(dir, "kubeconfig")
	return dir, path, os.WriteFile(path, kubeconfig, 0o600)
}

// startAgent runs the agent binary against the test cluster with a cluster-admin kubeconfig.
func startAgent(ctx context.Context, env *envtest.Environment, binary string) (func(), error) {
	dir, path, err := adminKubeconfig(env)
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "agent.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, binary, "--leader-elect=false", "--namespace", agentNamespace,
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+path)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (build it with make build): %w", binary, err)
	}
	fmt.Println("agent log:", log.Name())
	return func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}, nil
}

// report prints exact percentiles of the samples.
func report(what string, samples []time.Duration, lost int) {
	if len(samples) == 0 {
		fmt.Printf("%s: no samples (%d lost)\n", what, lost)
		return
	}
	slices.Sort(samples)
	at := func(p float64) time.Duration { return samples[min(len(samples)-1, int(p*float64(len(samples))))] }
	fmt.Printf("%s: n=%d p50=%s p90=%s p99=%s max=%s lost=%d\n", what, len(samples),
		at(0.50).Round(time.Microsecond), at(0.90).Round(time.Microsecond), at(0.99).Round(time.Microsecond),
		samples[len(samples)-1].Round(time.Microsecond), lost)
}

var errLost = errors.New("no change seen")

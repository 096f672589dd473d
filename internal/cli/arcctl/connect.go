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
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kubearc/kubearc/internal/agentkey"
	"github.com/kubearc/kubearc/internal/cli/armclient"
	"github.com/kubearc/kubearc/pkg/agentclient"
	"github.com/kubearc/kubearc/pkg/agentpubkey"
	"github.com/kubearc/kubearc/pkg/armid"
)

// agentKeySecret is the Secret, in agentNamespace, holding the agent's private key.
const agentKeySecret = "kubearc-agent-key"

type connectOptions struct {
	ref            clusterRef
	kube           kubeFlags
	location       string
	distribution   string
	infrastructure string
	proxyHTTPS     string
	hubURLs        []string
	proxySkipRange string
	proxyCert      string
	tags           string
	localAgent     bool
	agentBinary    string
	agentKeyType   string
	timeout        time.Duration
}

func (k *clusterCommands) connectCommand() *cobra.Command {
	var o connectOptions
	cmd := &cobra.Command{
		Use:   "connect -n NAME -g GROUP [--kubeconfig K] [--kube-context C] [--local-agent] [flags]",
		Short: "Connect a Kubernetes cluster to the hub: create it on the hub and install the agent",
		Long: "Connect a Kubernetes cluster to the hub, as 'az connectedk8s connect' does for Azure Arc:\n" +
			"  1. create the namespace " + agentNamespace + " and the agent's key in it (the key never leaves the cluster;\n" +
			"     ECDSA P-256, or RSA 4096 bits with --agent-key-type rsa, the kind az connectedk8s makes),\n" +
			"  2. create the connected cluster on the hub with the key's public half,\n" +
			"  3. install or upgrade the Helm release " + agentRelease + " (CRDs, RBAC, the hub's CA, the ArcConnection, the agent),\n" +
			"  4. wait until the agent reports that it is connected, or say why it is not.\n\n" +
			"With --local-agent the agent runs on this machine as a background process instead of in the\n" +
			"cluster (for clusters without nodes to run it, such as a bare control plane); its kubeconfig,\n" +
			"log and pid file are kept in agents/NAME/ beside arcctl's configuration. 'arcctl connectedk8s\n" +
			"disconnect' stops it. Connecting a connected cluster again upgrades the release.",
		Example: "  arcctl connectedk8s connect -n store-042 -g edge-eu --kube-context store-042 --tags env=prod\n" +
			"  arcctl connectedk8s connect -n dev -g lab --kubeconfig ./kubeconfig --local-agent",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return k.connect(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	o.ref.addFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.location, "location", "l", "", "location of the connected cluster (default: the configuration's, else \"local\")")
	f.StringVar(&o.kube.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&o.kube.context, "kube-context", "", "kubeconfig context of the cluster (default: the current context)")
	f.StringVar(&o.distribution, "distribution", "", "Kubernetes distribution, e.g. k3s, aks, openshift (default: detected by the agent)")
	f.StringVar(&o.infrastructure, "infrastructure", "", "infrastructure the cluster runs on, e.g. bare_metal, vsphere, aws (default: detected by the agent)")
	f.StringArrayVar(&o.hubURLs, "additional-hub-url", nil, "a further https URL of the hub the agent may use, e.g. a replica's own address; repeat it for each (docs/replicas.md)")
	f.StringVar(&o.proxyHTTPS, "proxy-https", "", "HTTPS proxy the agent reaches the hub through, e.g. http://proxy.corp:3128")
	f.StringVar(&o.proxySkipRange, "proxy-skip-range", "", "hosts, domains and CIDRs reached without the proxy, separated by commas")
	f.StringVar(&o.proxyCert, "proxy-cert", "", "PEM file of the CA of a proxy that intercepts TLS")
	f.StringVar(&o.tags, "tags", "", "tags as key=value pairs separated by commas")
	f.BoolVar(&o.localAgent, "local-agent", false, "run the agent on this machine instead of in the cluster")
	f.StringVar(&o.agentBinary, "agent-binary", "", "the kubearc-agent executable for --local-agent (default: beside arcctl, else on PATH)")
	f.StringVar(&o.agentKeyType, "agent-key-type", "", "type of the agent's key: ecdsa (P-256) or rsa (4096 bits); a key of the other type kept from an earlier connect is replaced (default: keep the key, or make an ecdsa one)")
	f.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long to wait for the agent to connect")
	return cmd
}

// connectTarget is what connect works with once the flags are checked.
type connectTarget struct {
	hub   *armclient.Client
	id    armid.ClusterID
	cfg   hubSettings
	kube  *kubeTarget
	state string
}

// hubSettings are what the agent needs to know of the hub.
type hubSettings struct {
	url      string
	caPEM    string
	location string
}

func (k *clusterCommands) connect(ctx context.Context, out io.Writer, o connectOptions) error {
	body, values, err := connectRequest(o)
	if err != nil {
		return err
	}
	keyType, err := agentKeyType(o.agentKeyType)
	if err != nil {
		return err
	}
	binary := ""
	if o.localAgent {
		if binary, err = findAgentBinary(o.agentBinary); err != nil {
			return err
		}
	}
	t, err := k.connectTarget(ctx, o)
	if err != nil {
		return err
	}
	body.Location = firstNonEmpty(o.location, t.cfg.location, "local")
	hubValues := values["hub"].(map[string]any)
	hubValues["url"], hubValues["caPEM"] = t.cfg.url, t.cfg.caPEM
	// The hub's URL is the agent's first already.
	hubValues["additionalURLs"] = slices.DeleteFunc(hubValues["additionalURLs"].([]any), func(u any) bool { return u == t.cfg.url })
	values["cluster"] = map[string]any{"resourceID": t.id.String()}
	p := progress{w: k.streams.Err}

	if err := p.step("Creating the agent key", func() (string, error) {
		pub, detail, err := t.agentPublicKey(ctx, keyType)
		body.Properties.AgentPublicKeyCertificate = pub
		return detail, err
	}); err != nil {
		return err
	}
	if err := p.step("Creating the connected cluster on the hub", func() (string, error) {
		_, _, err := t.hub.PutCluster(ctx, t.id, body)
		return "", err
	}); err != nil {
		return fmt.Errorf("creating %s on the hub: %w", t.id.Name, err)
	}
	var agent *runningAgent
	if o.localAgent {
		if agent, err = t.startLocalAgent(ctx, p, binary, values); err != nil {
			return err
		}
	} else if err := t.install(ctx, p, values); err != nil {
		return err
	}
	return t.waitConnected(ctx, p, out, agent, o.timeout)
}

// connectRequest builds the hub's PUT body and the chart's values from the flags, before
// anything is changed anywhere.
func connectRequest(o connectOptions) (armclient.ClusterCreate, map[string]any, error) {
	body := armclient.ClusterCreate{
		Identity:   armclient.Identity{Type: "SystemAssigned"},
		Properties: armclient.ClusterCreateProperties{Distribution: o.distribution, Infrastructure: o.infrastructure},
	}
	if o.tags != "" {
		tags, err := parseTags(o.tags)
		if err != nil {
			return body, nil, err
		}
		body.Tags = tags
	}
	proxy, err := proxyValues(o)
	if err != nil {
		return body, nil, err
	}
	hubURLs, err := additionalHubURLs(o.hubURLs)
	if err != nil {
		return body, nil, err
	}
	values := map[string]any{
		"deployment": map[string]any{"enabled": !o.localAgent},
		"proxy":      proxy,
		"hub":        map[string]any{"additionalURLs": hubURLs},
	}
	return body, values, nil
}

// maxAdditionalHubURLs is how many further hub URLs an ArcConnection takes (spec.hubURLs).
const maxAdditionalHubURLs = 8

// additionalHubURLs checks the --additional-hub-url flags as the agent will, and returns
// them as the agent spells them, each once.
func additionalHubURLs(raw []string) ([]any, error) {
	if len(raw) > maxAdditionalHubURLs {
		return nil, fmt.Errorf("--additional-hub-url is given %d times; the agent takes at most %d further hub URLs", len(raw), maxAdditionalHubURLs)
	}
	out := []any{}
	for _, r := range raw {
		u, err := agentclient.ParseHubURL(r)
		if err != nil {
			return nil, fmt.Errorf("--additional-hub-url: %w; for example https://hub-1.example.com:8443", err)
		}
		if !slices.Contains(out, any(u.String())) {
			out = append(out, u.String())
		}
	}
	return out, nil
}

func proxyValues(o connectOptions) (map[string]any, error) {
	if o.proxyHTTPS == "" && (o.proxySkipRange != "" || o.proxyCert != "") {
		return nil, errors.New("--proxy-skip-range and --proxy-cert need --proxy-https")
	}
	noProxy := []any{}
	for _, r := range strings.Split(o.proxySkipRange, ",") {
		if r = strings.TrimSpace(r); r != "" {
			noProxy = append(noProxy, r)
		}
	}
	caPEM := ""
	if o.proxyCert != "" {
		data, err := os.ReadFile(o.proxyCert)
		if err != nil {
			return nil, fmt.Errorf("reading --proxy-cert: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("--proxy-cert %s holds no PEM certificate", o.proxyCert)
		}
		caPEM = string(data)
	}
	return map[string]any{"httpsProxy": o.proxyHTTPS, "noProxy": noProxy, "caPEM": caPEM}, nil
}

// connectTarget checks the hub login and reaches the cluster.
func (k *clusterCommands) connectTarget(ctx context.Context, o connectOptions) (*connectTarget, error) {
	hub, cfg, id, err := k.resolveWithConfig(o.ref)
	if err != nil {
		return nil, err
	}
	path, err := k.configPath()
	if err != nil {
		return nil, err
	}
	if _, err := hub.WhoAmI(ctx); err != nil {
		return nil, fmt.Errorf("reaching the hub %s: %w", cfg.Hub, err)
	}
	state := filepath.Dir(path)
	kube, err := newKubeTarget(ctx, o.kube, filepath.Join(state, "cache"))
	if err != nil {
		return nil, err
	}
	return &connectTarget{hub: hub, id: id, kube: kube, state: state,
		cfg: hubSettings{url: cfg.Hub, caPEM: cfg.CertificateAuthorityData, location: cfg.Location}}, nil
}

// agentKeyType reads --agent-key-type; empty keeps the cluster's key, whatever its type.
func agentKeyType(flag string) (agentkey.KeyType, error) {
	if flag == "" {
		return "", nil
	}
	t, err := agentkey.ParseKeyType(flag)
	if err != nil {
		return "", fmt.Errorf("--agent-key-type: %w", err)
	}
	return t, nil
}

// agentPublicKey creates the namespace and the agent's key, or reads the key kept from an
// earlier connect (replacing it when keyType names another type), and returns its public
// half as the hub wants it and a detail for the progress line.
func (t *connectTarget) agentPublicKey(ctx context.Context, keyType agentkey.KeyType) (string, string, error) {
	if err := t.kube.ensureNamespace(ctx); err != nil {
		return "", "", err
	}
	ref := client.ObjectKey{Namespace: agentNamespace, Name: agentKeySecret}
	identity, replaced, err := agentkey.EnsureType(ctx, t.kube.client, ref, keyType)
	if err != nil {
		return "", "", err
	}
	detail := ""
	if replaced {
		detail = fmt.Sprintf(", a new %s key replaces the agent's earlier key", keyType)
	}
	pub, err := agentpubkey.Encode(identity.Key.Public())
	return pub, detail, err
}

// install installs or upgrades the agent's release.
func (t *connectTarget) install(ctx context.Context, p progress, values map[string]any) error {
	fmt.Fprintf(p.w, "Installing the agent (Helm release %s)… ", agentRelease)
	revision, err := t.kube.installAgent(ctx, values)
	if err != nil {
		fmt.Fprintln(p.w, "failed")
		return err
	}
	fmt.Fprintf(p.w, "done, revision %d\n", revision)
	return nil
}

// progress prints the steps of a long command on stderr, as the Azure CLI does.
type progress struct {
	w io.Writer
}

// step prints what, runs fn and prints done, with fn's detail, or failed.
func (p progress) step(what string, fn func() (string, error)) error {
	fmt.Fprintf(p.w, "%s… ", what)
	detail, err := fn()
	if err != nil {
		fmt.Fprintln(p.w, "failed")
		return err
	}
	fmt.Fprintln(p.w, "done"+detail)
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// agentDir is the directory of the local agent of a cluster.
func (t *connectTarget) agentDir() localAgent {
	return localAgent{dir: filepath.Join(t.state, "agents", t.id.Name)}
}

// runningAgent is a local agent started by this command.
type runningAgent struct {
	files  localAgent
	pid    int
	exited <-chan error
}

// startLocalAgent installs the release without the Deployment and starts the agent here.
func (t *connectTarget) startLocalAgent(ctx context.Context, p progress, binary string, values map[string]any) (*runningAgent, error) {
	if err := t.install(ctx, p, values); err != nil {
		return nil, err
	}
	files := t.agentDir()
	agent := &runningAgent{files: files}
	err := p.step("Starting the agent on this machine", func() (string, error) {
		if _, err := files.stop(); err != nil {
			return "", err
		}
		if err := t.kube.writeKubeconfig(files.kubeconfig()); err != nil {
			return "", err
		}
		var err error
		agent.pid, agent.exited, err = files.start(ctx, binary)
		return fmt.Sprintf(" (pid %d, log %s)", agent.pid, files.logFile()), err
	})
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(files.dir, 0o700)
	return agent, nil
}

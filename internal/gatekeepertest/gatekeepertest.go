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

// Package gatekeepertest runs the real OPA Gatekeeper manager (built by hack/gatekeeper.sh)
// as a process against a test API server (envtest), with its validating webhook registered,
// so tests see what a cluster with Gatekeeper shows: ConstraintTemplate status, constraint
// CRDs, admission denials and audit results. See docs/gatekeeper.md.
package gatekeepertest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

const (
	// Namespace is where Gatekeeper runs, as upstream installs it.
	Namespace = "gatekeeper-system"
	// WebhookConfigurationName is the ValidatingWebhookConfiguration Start registers, under the
	// name the manager looks for (--validating-webhook-configuration-name).
	WebhookConfigurationName = "gatekeeper-validating-webhook-configuration"
	// IgnoreLabel exempts a namespace from the validation webhook (allowed only on exempt
	// namespaces, which the /v1/admitlabel webhook checks).
	IgnoreLabel = "admission.gatekeeper.sh/ignore"

	defaultAuditInterval   = 3 * time.Second
	defaultViolationsLimit = 1000
	defaultPodName         = "gatekeeper-test"
	startTimeout           = 2 * time.Minute
)

// exemptNamespaces are exempt from the validation webhook: upstream's chart always exempts its
// own namespace, and kube-system is exempted the same way (the chart's
// validatingWebhookExemptNamespacesLabels value), as Gatekeeper's documentation advises.
var exemptNamespaces = []string{Namespace, metav1.NamespaceSystem}

// Options tunes the manager Start runs. The zero value gives the defaults.
type Options struct {
	// AuditInterval is how often the audit runs (--audit-interval, whole seconds, at least
	// one). Default 3s.
	AuditInterval time.Duration
	// ConstraintViolationsLimit is how many violations the audit writes into each
	// constraint's status (--constraint-violations-limit). Default 1000, Gatekeeper's is 20.
	ConstraintViolationsLimit int
	// PodName is the Pod object the manager believes it runs in (POD_NAME): the id in the
	// status.byPod entries. Default "gatekeeper-test".
	PodName string
	// BinaryDir holds the manager binary. Default: BinaryDir's answer.
	BinaryDir string
	// Args are extra manager flags, appended to Start's.
	Args []string
}

// Gatekeeper is a running manager.
type Gatekeeper struct {
	// PodName is the manager's POD_NAME, the id in status.byPod.
	PodName string
	// WebhookURL is the base URL of the manager's webhook server (https, 127.0.0.1).
	WebhookURL string
	// HealthAddr is the address of the manager's /healthz and /readyz.
	HealthAddr string
	// LogFile holds the manager's output.
	LogFile string
}

// BinaryDir returns the directory under bin/gatekeeper holding the manager binary, failing the
// test with what to run when there is none.
func BinaryDir(t testing.TB) string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(repoRoot(t), "bin", "gatekeeper", "*"))
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "manager")); err == nil {
			return dirs[i]
		}
	}
	t.Fatal("no Gatekeeper manager under bin/gatekeeper: run hack/gatekeeper.sh (or make gatekeeper), which builds it from the Go module proxy")
	return ""
}

// CRDDir returns test/crds/gatekeeper, the CRDs hack/gatekeeper-crds.sh generates.
func CRDDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "test", "crds", "gatekeeper")
}

// Start installs Gatekeeper's CRDs into the API server cfg points at, starts the manager with
// the webhook, audit, status and generate operations, waits until it is ready, and registers its
// validating webhooks (https://127.0.0.1:<port>/v1/admit and /v1/admitlabel). Cleanup removes
// the webhooks, then stops the manager; the manager's log tail is printed when the test failed.
// One manager per API server: the webhook configuration and the Pod have fixed names.
func Start(t testing.TB, cfg *rest.Config, opts Options) *Gatekeeper {
	t.Helper()
	opts = withDefaults(t, opts)
	ctx := t.Context()
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatalf("gatekeepertest: client: %v", err)
	}
	if _, err := envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{
		Paths: []string{CRDDir(t)}, ErrorIfPathMissing: true,
	}); err != nil {
		t.Fatalf("gatekeepertest: installing the CRDs from %s: %v", CRDDir(t), err)
	}
	if err := createPod(ctx, c, opts.PodName); err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}

	dir := t.TempDir()
	caPEM, err := writeServingCert(filepath.Join(dir, "certs"))
	if err != nil {
		t.Fatalf("gatekeepertest: certificates: %v", err)
	}
	// The audit keeps the lists it reads here, and fails when the directory is missing.
	if err := os.Mkdir(filepath.Join(dir, "audit"), 0o700); err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(cfg, kubeconfig); err != nil {
		t.Fatalf("gatekeepertest: kubeconfig: %v", err)
	}
	port := freePort(t)
	g := &Gatekeeper{
		PodName:    opts.PodName,
		WebhookURL: "https://127.0.0.1:" + port,
		HealthAddr: "127.0.0.1:" + freePort(t),
		LogFile:    filepath.Join(dir, "gatekeeper.log"),
	}
	args := append([]string{
		// upstream splits these between its webhook and audit pods; generate creates the
		// constraint CRDs from the templates.
		"--operation=webhook", "--operation=audit", "--operation=status", "--operation=generate",
		"--host=127.0.0.1", "--port=" + port,
		"--cert-dir=" + filepath.Join(dir, "certs"), "--disable-cert-rotation",
		"--health-addr=" + g.HealthAddr, "--metrics-addr=127.0.0.1:" + freePort(t),
		"--prometheus-port=" + freePort(t),
		"--audit-interval=" + strconv.Itoa(int((opts.AuditInterval+time.Second-1)/time.Second)),
		"--constraint-violations-limit=" + strconv.Itoa(opts.ConstraintViolationsLimit),
		"--api-cache-dir=" + filepath.Join(dir, "audit"),
		"--validating-webhook-configuration-name=" + WebhookConfigurationName,
		"--shutdown-delay=0",
		"--disable-opa-builtin={http.send}", // as upstream's chart
		// They may carry the ignore label (checked by /v1/admitlabel).
		"--exempt-namespace=" + Namespace, "--exempt-namespace=" + metav1.NamespaceSystem,
	}, opts.Args...)
	exited := g.run(t, filepath.Join(opts.BinaryDir, "manager"), kubeconfig, args)

	if err := g.waitReady(ctx, exited); err != nil {
		t.Fatalf("gatekeepertest: %v", err) // the cleanup prints the manager's log
	}
	if err := registerWebhooks(ctx, c, g.WebhookURL, caPEM); err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}
	t.Cleanup(func() {
		// First, so that no request waits on a manager that is gone (admitlabel fails closed).
		vwh := &admissionv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: WebhookConfigurationName}}
		if err := c.Delete(context.Background(), vwh); client.IgnoreNotFound(err) != nil {
			t.Errorf("gatekeepertest: deleting the webhooks: %v", err)
		}
	})
	if err := waitWebhookCalled(ctx, c); err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}
	return g
}

func withDefaults(t testing.TB, opts Options) Options {
	if opts.AuditInterval <= 0 {
		opts.AuditInterval = defaultAuditInterval
	}
	if opts.ConstraintViolationsLimit <= 0 {
		opts.ConstraintViolationsLimit = defaultViolationsLimit
	}
	if opts.PodName == "" {
		opts.PodName = defaultPodName
	}
	if opts.BinaryDir == "" {
		opts.BinaryDir = BinaryDir(t)
	}
	return opts
}

// run starts the manager, logging to g.LogFile, and stops it on cleanup (SIGTERM, then SIGKILL
// after 10s). The channel receives the manager's exit.
func (g *Gatekeeper) run(t testing.TB, binary, kubeconfig string, args []string) <-chan error {
	t.Helper()
	log, err := os.Create(g.LogFile)
	if err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "POD_NAMESPACE="+Namespace, "POD_NAME="+g.PodName)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		stop()
		_ = log.Close()
		t.Fatalf("gatekeepertest: starting %s: %v", binary, err)
	}
	exited := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		exited <- cmd.Wait()
		_ = log.Close()
		close(done)
	}()
	t.Cleanup(func() {
		stop()
		<-done
		if t.Failed() {
			t.Logf("gatekeepertest: manager log %s (tail):\n%s", g.LogFile, g.logTail())
		}
	})
	return exited
}

// waitReady polls the manager's /readyz: ready means the webhook serves TLS and every
// existing template and constraint is loaded.
func (g *Gatekeeper) waitReady(ctx context.Context, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if last = probe(ctx, "http://"+g.HealthAddr+"/readyz"); last == nil {
			return nil
		}
		select {
		case err := <-exited:
			if err == nil {
				err = errors.New("exit status 0")
			}
			return fmt.Errorf("the manager exited before it was ready: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("the manager was not ready after %s: %w", startTimeout, last)
		case <-tick.C:
		}
	}
}

func probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

// logTail returns the manager's last errors and the last lines of its log, each line cut
// short: its JSON lines carry long stack traces, and a healthy audit repeats itself.
func (g *Gatekeeper) logTail() string {
	const errorLines, tailLines, width = 15, 30, 600
	b, err := os.ReadFile(g.LogFile)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	var errs []string
	for _, l := range lines {
		if strings.Contains(l, `"level":"error"`) {
			errs = append(errs, l)
		}
	}
	cut := func(ls []string, n int) string {
		ls = ls[max(0, len(ls)-n):]
		out := make([]string, len(ls))
		for i, l := range ls {
			if len(l) > width {
				l = l[:width] + " …"
			}
			out[i] = l
		}
		return strings.Join(out, "\n")
	}
	return fmt.Sprintf("last errors:\n%s\nlast lines:\n%s", cut(errs, errorLines), cut(lines, tailLines))
}

// createPod creates the namespace, with upstream's ignore label, and the Pod object the
// manager reads as its own (status objects are owned by it). The Pod is never scheduled.
func createPod(ctx context.Context, c client.Client, name string) error {
	objs := []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: Namespace, Labels: map[string]string{IgnoreLabel: "no-self-managing"}}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "gatekeeper-admin", Namespace: Namespace}},
		&corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: Namespace, Labels: map[string]string{"gatekeeper.sh/system": "yes"}},
			Spec: corev1.PodSpec{
				ServiceAccountName:           "gatekeeper-admin",
				AutomountServiceAccountToken: ptr.To(false),
				Containers:                   []corev1.Container{{Name: "manager", Image: "gatekeepertest/manager"}},
			},
		},
	}
	for _, obj := range objs {
		if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating %T %s: %w", obj, obj.GetName(), err)
		}
	}
	return nil
}

// registerWebhooks creates the ValidatingWebhookConfiguration with upstream's two webhooks:
// validation of every create and update, failing open, and the check of the ignore label on
// namespaces, failing closed.
func registerWebhooks(ctx context.Context, c client.Client, baseURL string, caPEM []byte) error {
	none := admissionv1.SideEffectClassNone
	exact := admissionv1.Exact
	anyScope := admissionv1.AllScopes
	createUpdate := []admissionv1.OperationType{admissionv1.Create, admissionv1.Update}
	webhook := func(name, path string, policy admissionv1.FailurePolicyType, exempt []string,
		rule admissionv1.Rule) admissionv1.ValidatingWebhook {
		return admissionv1.ValidatingWebhook{
			Name:                    name,
			AdmissionReviewVersions: []string{"v1", "v1beta1"},
			ClientConfig:            admissionv1.WebhookClientConfig{URL: ptr.To(baseURL + path), CABundle: caPEM},
			FailurePolicy:           &policy,
			MatchPolicy:             &exact,
			SideEffects:             &none,
			TimeoutSeconds:          ptr.To[int32](3),
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: exempt},
			}},
			Rules: []admissionv1.RuleWithOperations{{Operations: createUpdate, Rule: rule}},
		}
	}
	validation := webhook("validation.gatekeeper.sh", "/v1/admit", admissionv1.Ignore, exemptNamespaces, admissionv1.Rule{
		APIGroups: []string{"*"}, APIVersions: []string{"*"}, Scope: &anyScope,
		// Every resource and the subresources upstream lists, not status.
		Resources: []string{"*", "pods/ephemeralcontainers", "pods/exec", "pods/log", "pods/eviction",
			"pods/portforward", "pods/proxy", "pods/attach", "pods/binding", "pods/resize",
			"deployments/scale", "replicasets/scale", "statefulsets/scale",
			"replicationcontrollers/scale", "services/proxy", "nodes/proxy", "services/status"},
	})
	validation.NamespaceSelector.MatchExpressions = append(validation.NamespaceSelector.MatchExpressions,
		metav1.LabelSelectorRequirement{Key: IgnoreLabel, Operator: metav1.LabelSelectorOpDoesNotExist})
	label := webhook("check-ignore-label.gatekeeper.sh", "/v1/admitlabel", admissionv1.Fail, []string{Namespace}, admissionv1.Rule{
		APIGroups: []string{""}, APIVersions: []string{"*"}, Resources: []string{"namespaces"}, Scope: &anyScope,
	})
	vwh := &admissionv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: WebhookConfigurationName, Labels: map[string]string{"gatekeeper.sh/system": "yes"}},
		Webhooks:   []admissionv1.ValidatingWebhook{validation, label},
	}
	if err := c.Create(ctx, vwh); err != nil {
		return fmt.Errorf("registering the webhooks: %w", err)
	}
	return nil
}

// waitWebhookCalled waits until the API server calls the manager: a dry-run namespace with
// the ignore label is refused by /v1/admitlabel once the API server has the webhooks.
func waitWebhookCalled(ctx context.Context, c client.Client) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: "gatekeepertest-probe", Labels: map[string]string{IgnoreLabel: "probe"},
	}}
	for {
		err := c.Create(ctx, ns.DeepCopy(), client.DryRunAll)
		if err != nil && strings.Contains(err.Error(), "check-ignore-label.gatekeeper.sh") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the API server does not call the webhooks (last answer: %w)", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// writeKubeconfig writes a kubeconfig for the manager with cfg's server and credentials.
func writeKubeconfig(cfg *rest.Config, path string) error {
	if cfg.Host == "" {
		return errors.New("the rest.Config has no host")
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{
		Server:                   cfg.Host,
		CertificateAuthority:     cfg.CAFile,
		CertificateAuthorityData: cfg.CAData,
		InsecureSkipTLSVerify:    cfg.Insecure,
		TLSServerName:            cfg.ServerName,
	}
	kc.AuthInfos["test"] = &clientcmdapi.AuthInfo{
		ClientCertificate:     cfg.CertFile,
		ClientCertificateData: cfg.CertData,
		ClientKey:             cfg.KeyFile,
		ClientKeyData:         cfg.KeyData,
		Token:                 cfg.BearerToken,
		TokenFile:             cfg.BearerTokenFile,
		Username:              cfg.Username,
		Password:              cfg.Password,
	}
	kc.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	kc.CurrentContext = "test"
	return clientcmd.WriteToFile(*kc, path)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("gatekeepertest: %v", err)
	}
	defer func() { _ = l.Close() }()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("gatekeepertest: no go.mod above the working directory")
		}
		dir = parent
	}
}

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
	"fmt"
	"io"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/kubearc/kubearc/internal/helm"
	"github.com/kubearc/kubearc/internal/localcluster"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// The suite shares one control plane: starting kube-apiserver and etcd takes seconds.
var (
	ctx       context.Context
	cancel    context.CancelFunc
	testEnv   *envtest.Environment
	cfg       *rest.Config
	k8sClient client.Client
	admin     *envtest.AuthenticatedUser
	hub       *testHub
	clientset kubernetes.Interface
	recorder  events.EventRecorder
)

// agentNamespace is where the agent keeps its key and reads the hub's CA.
const agentNamespace = "kubearc-system"

func TestControllers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Controller Suite")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	ctx, cancel = context.WithCancel(context.TODO())

	var err error
	testEnv, cfg, err = localcluster.Start()
	Expect(err).NotTo(HaveOccurred())

	scheme, err := NewScheme()
	Expect(err).NotTo(HaveOccurred())
	k8sClient, err = client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	admin, err = testEnv.AddUser(envtest.User{Name: "admin", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())

	hub = startHub(GinkgoT().TempDir())
	Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: agentNamespace}})).To(Succeed())
	startAgent(scheme)
})

// kubectl runs the envtest kubectl as a cluster admin, as an operator would, and returns what
// it printed.
func kubectl(args ...string) (string, error) {
	k, err := admin.Kubectl()
	if err != nil {
		return "", err
	}
	stdout, stderr, err := k.Run(args...)
	if err != nil {
		msg, _ := io.ReadAll(stderr)
		return "", fmt.Errorf("kubectl %v: %w: %s", args, err, msg)
	}
	out, err := io.ReadAll(stdout)
	return string(out), err
}

// startAgent runs the agent's reconcilers, as main.go wires them, against the test cluster.
func startAgent(scheme *runtime.Scheme) {
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		Cache:   CacheOptions(agentNamespace),
	})
	Expect(err).NotTo(HaveOccurred())
	// Helm runs in this process here; the e2e tests run it in kubearc-installer, as the agent does.
	connector, err := Setup(mgr, agentNamespace, WithFeatures([]string{protocol.FeatureCustomLocations}),
		WithHelm(&helm.Local{Client: helmClient(), Charts: &helm.ChartSource{CacheDir: GinkgoT().TempDir()}}))
	Expect(err).NotTo(HaveOccurred())
	clientset, recorder = connector.Clientset, connector.Recorder
	agentConnector = connector
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
}

var _ = AfterSuite(func() {
	if hub != nil {
		hub.shutdown()
	}
	cancel()
	if testEnv != nil {
		Expect(testEnv.Stop()).To(Succeed())
	}
})

// acceptsOrRejects is the body of a validation table: it creates valid() changed by mutate
// and expects the API server to accept it when wantErr is empty, else to reject it saying
// wantErr.
func acceptsOrRejects[T client.Object](valid func() T) func(mutate func(T), wantErr string) {
	return func(mutate func(T), wantErr string) {
		obj := valid()
		mutate(obj)
		err := k8sClient.Create(ctx, obj)
		if wantErr == "" {
			Expect(err).NotTo(HaveOccurred())
			return
		}
		Expect(err).To(MatchError(ContainSubstring(wantErr)))
	}
}

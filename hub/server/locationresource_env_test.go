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

package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/kubearc/kubearc/hub/hubtest"
	"github.com/kubearc/kubearc/hub/locationresources"
	"github.com/kubearc/kubearc/hub/server"
	"github.com/kubearc/kubearc/hub/store"
	"github.com/kubearc/kubearc/internal/tunnel"
	"github.com/kubearc/kubearc/internal/tunnel/tunneltest"
	"github.com/kubearc/kubearc/pkg/armid"
	"github.com/kubearc/kubearc/pkg/protocol"
)

// The tests of resources on custom locations share one API server (envtest), started by the
// first of them, with the Widget CRD and the ClusterRole its operator declares.
var (
	kubeOnce sync.Once
	kubeEnv  *envtest.Environment
	kubeCfg  *rest.Config
	kubeErr  error
	// worlds numbers the locationWorlds, whose namespaces share the API server.
	worlds atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if kubeEnv != nil {
		_ = kubeEnv.Stop()
	}
	os.Exit(code)
}

// widgets is the custom resource of Microsoft.KubearcSamples/widgets in the tests' catalog.
var widgets = schema.GroupVersionResource{Group: "samples.kubearc.io", Version: "v1alpha1", Resource: "widgets"}

// locationCatalog serves widgets through kubearc.samples and gadgets through kubearc.gadgets.
const locationCatalog = `extensionTypes:
  - name: kubearc.samples
    defaultScope: cluster
    chart: {repository: https://charts.example.com, name: samples}
    releaseTrains: [{name: Stable, versions: ["1.0.0"]}]
    customLocations:
      clusterRole: widget-operator
      resourceTypes: [{type: Microsoft.KubearcSamples/widgets, group: samples.kubearc.io, version: v1alpha1, kind: Widget, resource: widgets}]
  - name: kubearc.gadgets
    defaultScope: cluster
    chart: {repository: https://charts.example.com, name: gadgets}
    releaseTrains: [{name: Stable, versions: ["1.0.0"]}]
    customLocations:
      clusterRole: gadget-operator
      resourceTypes: [{type: Microsoft.KubearcSamples/gadgets, group: samples.kubearc.io, version: v1alpha1, kind: Gadget, resource: gadgets}]
agent:
  chart: {repository: oci://ghcr.io/kubearc/charts, name: kubearc-agent}
  releaseTrains: [{name: Stable, versions: ["0.1.0"]}]
`

// kubeConfig returns the shared API server's admin configuration.
func kubeConfig(t testing.TB) *rest.Config {
	t.Helper()
	kubeOnce.Do(func() {
		if kubeEnv, kubeCfg, kubeErr = tunneltest.StartAPIServer(); kubeErr != nil {
			return
		}
		_, kubeErr = envtest.InstallCRDs(kubeCfg, envtest.CRDInstallOptions{CRDs: []*apiextensionsv1.CustomResourceDefinition{widgetCRD()}})
		if kubeErr == nil {
			kubeErr = createOperatorRole(kubeCfg)
		}
	})
	if kubeErr != nil {
		t.Fatalf("starting the API server: %v", kubeErr)
	}
	return kubeCfg
}

// widgetCRD is the Widget CRD, with a status subresource and any spec.
func widgetCRD() *apiextensionsv1.CustomResourceDefinition {
	preserve := true
	open := &apiextensionsv1.JSONSchemaProps{Type: "object", XPreserveUnknownFields: &preserve}
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.samples.kubearc.io"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: widgets.Group, Scope: apiextensionsv1.NamespaceScoped,
			Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Singular: "widget", Kind: "Widget", ListKind: "WidgetList"},
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: widgets.Version, Served: true, Storage: true,
				Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{Type: "object",
					Properties: map[string]apiextensionsv1.JSONSchemaProps{"spec": *open, "status": *open}}}}},
		},
	}
}

// createOperatorRole creates the ClusterRole the catalog's kubearc.samples declares.
func createOperatorRole(cfg *rest.Config) error {
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "widget-operator"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{widgets.Group}, Resources: []string{"widgets"},
			Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete"}}}}
	_, err := kubernetes.NewForConfigOrDie(cfg).RbacV1().ClusterRoles().Create(context.Background(), role, metav1.CreateOptions{})
	return err
}

// storeLocations finds custom locations as stored ARM documents, and their extensions' types
// in the extensions' records: the tests' stand-in for hub/customlocations.
type storeLocations struct{ store store.Store }

func (l *storeLocations) Lookup(ctx context.Context, id string) (*locationresources.Location, error) {
	res, err := l.store.GetResource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, locationresources.ErrLocationNotFound
	}
	if err != nil {
		return nil, err
	}
	var doc struct {
		Properties struct {
			HostResourceID, Namespace, ProvisioningState string
			ClusterExtensionIDs                          []string `json:"clusterExtensionIds"`
		}
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		return nil, err
	}
	loc := &locationresources.Location{ID: res.ID, Cluster: doc.Properties.HostResourceID, Namespace: doc.Properties.Namespace,
		ProvisioningState: doc.Properties.ProvisioningState, Version: res.Version}
	for _, ext := range doc.Properties.ClusterExtensionIDs {
		extRes, err := l.store.GetResource(ctx, ext)
		if err != nil {
			return nil, err
		}
		var rec struct{ ExtensionType string }
		if err := json.Unmarshal(extRes.Body, &rec); err != nil {
			return nil, err
		}
		loc.ExtensionTypes = append(loc.ExtensionTypes, rec.ExtensionType)
	}
	return loc, nil
}

// locationWorld is a hub, a connected cluster with a tunnel to the shared API server, and a
// custom location on it with the samples extension, in resource group rg-b.
type locationWorld struct {
	t         testing.TB
	hub       *hubtest.Hub
	cluster   armid.ClusterID
	agent     *tunneltest.Agent
	location  string
	namespace string
	admin     kubernetes.Interface
	dyn       dynamic.Interface
}

// newLocationWorld sets up a locationWorld; bind makes the RoleBinding the agent would, for
// the custom-location identity in the location's namespace; configure changes the hub's
// configuration (startResourceHub).
func newLocationWorld(t testing.TB, bind bool, configure ...func(*server.Config)) *locationWorld {
	t.Helper()
	cfg := kubeConfig(t)
	w := &locationWorld{t: t, admin: kubernetes.NewForConfigOrDie(cfg), dyn: dynamic.NewForConfigOrDie(cfg)}
	w.namespace = fmt.Sprintf("loc-%d", worlds.Add(1))
	w.hub = startResourceHub(t, configure...)
	w.cluster = armid.ClusterID{Subscription: "00000000-0000-0000-0000-00000000000b", ResourceGroup: "rg-b", Name: "cluster-1"}
	forwarder, err := tunnel.NewForwarder(cfg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if w.agent, err = tunneltest.StartAgent(w.hub, w.cluster, forwarder); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.agent.Stop)
	w.waitForTunnel()
	w.createNamespace(bind)
	w.location = w.putLocation("loc-1", "kubearc.samples")
	return w
}

// waitForTunnel waits until the hub relays requests to the cluster; the bound only keeps a
// broken test from hanging.
func (w *locationWorld) waitForTunnel() {
	w.t.Helper()
	user := kubernetes.NewForConfigOrDie(tunneltest.UserConfig(w.hub, w.cluster, w.hub.AdminToken))
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err = user.Discovery().ServerVersion(); err == nil {
			return
		}
	}
	w.t.Fatalf("the cluster's tunnel did not open: %v", err)
}

// startResourceHub starts a hub with the tests' catalog and storeLocations, then what
// configure changes.
func startResourceHub(t testing.TB, configure ...func(*server.Config)) *hubtest.Hub {
	t.Helper()
	catalogFile := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(catalogFile, []byte(locationCatalog), 0o600); err != nil {
		t.Fatal(err)
	}
	locations := &storeLocations{}
	h, err := hubtest.Start(context.Background(), hubtest.Options{DataDir: t.TempDir(), Configure: func(cfg *server.Config) {
		cfg.CatalogFile, cfg.Locations = catalogFile, locations
		for _, c := range configure {
			c(cfg)
		}
	}})
	if err != nil {
		t.Fatalf("starting hub: %v", err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	locations.store = h.Store()
	return h
}

// createNamespace creates the location's namespace and, with bind, the RoleBinding of the
// custom-location identity to the samples' operator role.
func (w *locationWorld) createNamespace(bind bool) {
	ctx := context.Background()
	if _, err := w.admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: w.namespace}}, metav1.CreateOptions{}); err != nil {
		w.t.Fatal(err)
	}
	if !bind {
		return
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "custom-location-widgets", Namespace: w.namespace},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "widget-operator"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: protocol.CustomLocationIdentity}}}
	if _, err := w.admin.RbacV1().RoleBindings(w.namespace).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		w.t.Fatal(err)
	}
	w.waitAllowed(ctx)
}

// waitAllowed waits until the API server's authorizer has seen the RoleBinding: it answers
// from an informer, so a request right after the binding's creation may still be refused.
func (w *locationWorld) waitAllowed(ctx context.Context) {
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		User: protocol.CustomLocationIdentity,
		ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: w.namespace, Verb: "get",
			Group: widgets.Group, Resource: widgets.Resource}}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := w.admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err == nil && got.Status.Allowed {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the custom-location identity is still not allowed to get widgets in %s: %v %+v", w.namespace, err, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// putLocation stores a Succeeded custom location in rg-b on the cluster, with an extension of
// extensionType, and returns its ID.
func (w *locationWorld) putLocation(name, extensionType string) string {
	extName := strings.ReplaceAll(extensionType, ".", "-")
	if _, err := w.hub.PutExtension(w.cluster.String(), extName, map[string]any{"extensionType": extensionType}); err != nil {
		w.t.Fatal(err)
	}
	id := "/subscriptions/" + w.cluster.Subscription + "/resourceGroups/rg-b/providers/Microsoft.ExtendedLocation/customLocations/" + name
	body, _ := json.Marshal(map[string]any{"properties": map[string]any{"hostResourceId": w.cluster.String(), "namespace": w.namespace,
		"clusterExtensionIds": []string{hubtest.ExtensionPath(w.cluster.String(), extName)}, "provisioningState": "Succeeded"}})
	_, err := w.hub.Store().PutResource(context.Background(), &store.Resource{ID: id, Type: "Microsoft.ExtendedLocation/customLocations",
		Subscription: w.cluster.Subscription, ResourceGroup: "rg-b", ParentID: w.cluster.String(), Body: body}, store.IfAbsent())
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// widgetPath is the ARM path of widget name in resource group rg.
func (w *locationWorld) widgetPath(rg, name string) string {
	return "/subscriptions/" + w.cluster.Subscription + "/resourceGroups/" + rg + "/providers/Microsoft.KubearcSamples/widgets/" + name
}

// arm sends a request as token and decodes the answer into a map.
func (w *locationWorld) arm(method, path, token string, body any) (int, map[string]any) {
	w.t.Helper()
	status, raw, err := w.hub.ARM(method, path, token, body)
	if err != nil {
		w.t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			w.t.Fatalf("%s %s: %d %s", method, path, status, raw)
		}
	}
	return status, out
}

// widgetBody is a PUT body of a widget on location with properties.
func widgetBody(location string, properties map[string]any) map[string]any {
	return map[string]any{"location": "westeurope", "properties": properties,
		"extendedLocation": map[string]any{"type": "CustomLocation", "name": location}}
}

// prop returns a property of an ARM answer, "" when absent.
func prop(doc map[string]any, name string) any {
	props, _ := doc["properties"].(map[string]any)
	return props[name]
}

// errorCode is the code of an ARM error answer.
func errorCode(doc map[string]any) string {
	e, _ := doc["error"].(map[string]any)
	return fmt.Sprint(e["code"], ": ", e["message"])
}

// checkStatus fails unless status is want.
func checkStatus(t testing.TB, what string, status, want int, doc map[string]any) {
	t.Helper()
	if status != want {
		t.Fatalf("%s: %d, want %d: %v", what, status, want, doc)
	}
}

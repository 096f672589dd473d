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

package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	arcv1alpha1 "github.com/kubearc/kubearc/api/v1alpha1"
	"github.com/kubearc/kubearc/internal/desired/desiredtest"
)

const ns = desiredtest.Namespace

// requiredLabels is testdata/k8srequiredlabels.yaml, the usual K8sRequiredLabels template.
func requiredLabels(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "k8srequiredlabels.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// withKind renames a K8sRequiredLabels template's kind, and with it its name and Rego package.
func withKind(template, kind string) string {
	return strings.ReplaceAll(strings.ReplaceAll(template, "K8sRequiredLabels", kind), "k8srequiredlabels", strings.ToLower(kind))
}

// policySync is a PolicySync of the agent's namespace enforcing K8sRequiredLabels.
func policySync(t testing.TB, name string) *arcv1alpha1.PolicySync {
	t.Helper()
	return &arcv1alpha1.PolicySync{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Generation: 1},
		Spec: arcv1alpha1.PolicySyncSpec{
			AssignmentID:      "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/" + name,
			DefinitionID:      "/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/labels",
			EnforcementAction: arcv1alpha1.EnforcementDryRun,
			Template:          requiredLabels(t),
			Parameters:        &apiextensionsv1.JSON{Raw: []byte(`{"labels":["owner"]}`)},
		},
	}
}

// crd is a CRD of that name, as far as the agent looks at one.
func crd(name string) *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

// cluster is a Reconciler on a fake cluster holding objs, whose API serves the
// ConstraintTemplate and K8sRequiredLabels kinds.
func cluster(t *testing.T, objs ...client.Object) *Reconciler {
	t.Helper()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, arcv1alpha1.AddToScheme,
		templatesv1.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(templatesv1.SchemeGroupVersion.WithKind("ConstraintTemplate"), meta.RESTScopeRoot)
	mapper.Add(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"), meta.RESTScopeRoot)
	mapper.Add(ConstraintGVK("K8sRequiredLabels"), meta.RESTScopeRoot)
	mapper.Add(arcv1alpha1.GroupVersion.WithKind("PolicySync"), meta.RESTScopeNamespace)
	c := fake.NewClientBuilder().WithScheme(scheme).WithRESTMapper(mapper).WithObjects(objs...).
		WithStatusSubresource(&arcv1alpha1.PolicySync{}, &templatesv1.ConstraintTemplate{}).Build()
	return &Reconciler{Client: c, APIReader: c, Namespace: ns}
}

// liveTemplate is ps's template as the agent applies it, at generation 1, with Gatekeeper's
// status: created, and the errors given.
func liveTemplate(t *testing.T, ps *arcv1alpha1.PolicySync, errs ...templatesv1.CreateCRDError) *templatesv1.ConstraintTemplate {
	t.Helper()
	tmpl, err := renderTemplate(ps.Spec.Template)
	if err != nil {
		t.Fatal(err)
	}
	tmpl.Generation = 1
	tmpl.Status = templatesv1.ConstraintTemplateStatus{Created: true,
		ByPod: []templatesv1.ByPodStatus{{ID: "gatekeeper-0", ObservedGeneration: 1, Errors: errs}}}
	return tmpl
}

// liveConstraint is ps's K8sRequiredLabels constraint at generation 1 with status.
func liveConstraint(t *testing.T, ps *arcv1alpha1.PolicySync, status map[string]any) *unstructured.Unstructured {
	t.Helper()
	u, err := renderConstraint(ps, "K8sRequiredLabels")
	if err != nil {
		t.Fatal(err)
	}
	u.SetGeneration(1)
	if status != nil {
		u.Object["status"] = status
	}
	return u
}

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
	"strings"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Labels and annotations of the Gatekeeper objects the agent writes.
const (
	// LabelManagedBy marks the templates and constraints the agent writes, with the value
	// ManagedByAgent; the agent never changes or deletes a template without it.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByAgent is the value of LabelManagedBy.
	ManagedByAgent = "kubearc-agent"
	// LabelPolicySync names a constraint's PolicySync, in the agent's namespace.
	LabelPolicySync = "arc.kubearc.io/policysync"
	// AnnotationAssignment holds a constraint's policy assignment ID.
	AnnotationAssignment = "arc.kubearc.io/policy-assignment-id"
	// AnnotationDefinition holds a constraint's policy definition ID.
	AnnotationDefinition = "arc.kubearc.io/policy-definition-id"
	// AnnotationMessage holds the assignment's non-compliance message.
	AnnotationMessage = "arc.kubearc.io/non-compliance-message"
	// AnnotationTemplateDigest holds the digest of the content of the template the agent
	// applied: the PolicySyncs of its kind share it, and compare their content with it.
	AnnotationTemplateDigest = "arc.kubearc.io/template-digest"
)

// FieldOwner is the server-side apply field manager of the agent's Gatekeeper objects.
const FieldOwner = "kubearc-agent"

// Gatekeeper's API groups and the CRD that says it is installed.
const (
	templatesGroup   = "templates.gatekeeper.sh"
	constraintsGroup = "constraints.gatekeeper.sh"
	// templateCRD is the ConstraintTemplate CRD: Gatekeeper is installed when it exists.
	templateCRD = "constrainttemplates." + templatesGroup
)

// templateGVK is the kind of Gatekeeper's ConstraintTemplates.
var templateGVK = templatesv1.SchemeGroupVersion.WithKind("ConstraintTemplate")

// ConstraintGVK is the group, version and kind of the constraints of kind: Gatekeeper serves
// them from the CRD it creates for their template.
func ConstraintGVK(kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: constraintsGroup, Version: "v1beta1", Kind: kind}
}

// TemplateName is the name of the ConstraintTemplate of the constraints of kind, as
// Gatekeeper requires: the kind in lower case. It is also the plural of their resource.
func TemplateName(kind string) string { return strings.ToLower(kind) }

// constraintCRD is the name of the CRD Gatekeeper creates for the constraints of kind.
func constraintCRD(kind string) string { return TemplateName(kind) + "." + constraintsGroup }

// templateOfConstraintCRD is the name of the template of a constraint CRD's name, and
// whether the name is one.
func templateOfConstraintCRD(crd string) (string, bool) {
	return strings.CutSuffix(crd, "."+constraintsGroup)
}

// emptyConstraint is a constraint of kind named name, for reading and deleting it.
func emptyConstraint(kind, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(ConstraintGVK(kind))
	u.SetName(name)
	return u
}

// crdMetadata is an empty CRD of which only the metadata is read (and cached).
func crdMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
	return m
}

// managedByAgent reports whether the agent wrote obj.
func managedByAgent(obj client.Object) bool {
	return obj.GetLabels()[LabelManagedBy] == ManagedByAgent
}

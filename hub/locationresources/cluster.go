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

package locationresources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kubearc/kubearc/hub/catalog"
)

// FieldManager is the server-side apply field manager of the CRs the hub applies: the
// CR's managedFields show what the hub wrote.
const FieldManager = "kubearc-hub"

// Clusters reaches connected clusters through their tunnels (hub/tunnel.Server).
type Clusters interface {
	// Connected reports whether cluster id has a tunnel to the hub.
	Connected(id string) bool
	// CustomLocationTransport sends requests through cluster id's tunnel, impersonating
	// protocol.CustomLocationIdentity.
	CustomLocationTransport(id string) http.RoundTripper
}

// errOffline says the cluster has no tunnel: the change waits for it.
var errOffline = errors.New("the cluster has no tunnel to the hub")

// crClient returns the dynamic client of rec's custom resources, through its cluster's tunnel.
func (s *Service) crClient(rec *record, rt *catalog.ResourceType) (dynamic.ResourceInterface, error) {
	if !s.clusters.Connected(rec.Cluster) {
		return nil, errOffline
	}
	dyn, err := dynamic.NewForConfig(&rest.Config{Host: "http://cluster", Transport: s.clusters.CustomLocationTransport(rec.Cluster)})
	if err != nil {
		return nil, err
	}
	gvr := schema.GroupVersionResource{Group: rt.Group, Version: rt.Version, Resource: rt.Resource}
	return dyn.Resource(gvr).Namespace(rec.Namespace), nil
}

// apply applies rec's CR with server-side apply, unless a CR of that name that is not the
// resource id's is in the namespace (notOwnedError).
func (s *Service) apply(ctx context.Context, id string, rec *record, rt *catalog.ResourceType) error {
	c, err := s.crClient(rec, rt)
	if err != nil {
		return err
	}
	if _, err := owned(ctx, c, id, rec, rt); err != nil {
		return err
	}
	_, err = c.Apply(ctx, rec.Name, desiredCR(id, rec, rt), metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	return err
}

// owned reads rec's CR and returns whether it exists, or a notOwnedError when it is not the
// projection of resource id: the CR of another resource of the same type and name (in
// another resource group), or one made in the cluster. The apply is forced, so without this
// the hub would take such a CR over; the IDs compare case-insensitively, as ARM's do.
func owned(ctx context.Context, c dynamic.ResourceInterface, id string, rec *record, rt *catalog.ResourceType) (bool, error) {
	cr, err := c.Get(ctx, rec.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, err
	}
	if holder := cr.GetAnnotations()[ResourceIDAnnotation]; !strings.EqualFold(holder, id) {
		return true, notOwned(rec, rt, holder)
	}
	return true, nil
}

// notOwned is the answer for rec whose CR is holder's (an ARM ID; "" when it is no
// resource's).
func notOwned(rec *record, rt *catalog.ResourceType, holder string) *Error {
	what := "was not made by the hub"
	if holder != "" {
		what = "is the custom resource of '" + holder + "'"
	}
	return &Error{Status: http.StatusConflict, Code: codeCustomResourceConflict, Message: fmt.Sprintf(
		"The %s %s in namespace %s of the cluster %s: the hub neither changes nor deletes it. Choose another name, or remove that %s from the cluster first.",
		rt.Kind, rec.Name, rec.Namespace, what, rt.Kind)}
}

// codeCustomResourceConflict is the ARM error code of notOwned.
const codeCustomResourceConflict = "CustomResourceConflict"

// read returns rec's CR.
func (s *Service) read(ctx context.Context, rec *record, rt *catalog.ResourceType) (*unstructured.Unstructured, error) {
	c, err := s.crClient(rec, rt)
	if err != nil {
		return nil, err
	}
	return c.Get(ctx, rec.Name, metav1.GetOptions{})
}

// remove deletes rec's CR, the projection of resource id; one already gone is no error. A CR
// of that name that is not id's is left alone (a notOwnedError).
func (s *Service) remove(ctx context.Context, id string, rec *record, rt *catalog.ResourceType) error {
	c, err := s.crClient(rec, rt)
	if err != nil {
		return err
	}
	exists, err := owned(ctx, c, id, rec, rt)
	if err != nil || !exists {
		return err
	}
	if err := c.Delete(ctx, rec.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	return nil
}

// refusal returns the cluster's answer when err is the API server refusing the request
// (forbidden by RBAC, invalid, no such resource type) or the hub refusing to touch a CR that
// is not the resource's (notOwned): retrying will not help. Network errors,
// an offline cluster, timeouts and server errors are not refusals: the change is retried.
func refusal(err error) (*Error, bool) {
	if e, ok := errors.AsType[*Error](err); ok {
		return e, true
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return nil, false
	}
	code := int(status.Status().Code)
	if code < 400 || code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests {
		return nil, false
	}
	answer := http.StatusBadRequest
	if code == http.StatusForbidden {
		answer = http.StatusForbidden
	}
	return &Error{Status: answer, Code: "ClusterRefused", Message: "The cluster refused the custom resource: " + status.Status().Message}, true
}

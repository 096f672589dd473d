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

package charts_test

import (
	"fmt"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/utils/ptr"

	"github.com/kubearc/kubearc/internal/ociimage"
)

// TestDefaultImageIsWhatMakeImagesBuilds: without image values, helm template installs the
// agent image that make images names (<registry>/kubearc-agent:<tag>, ociimage's defaults),
// run as the user the image is built for, and helm lint accepts the chart as it is.
func TestDefaultImageIsWhatMakeImagesBuilds(t *testing.T) {
	tag, err := ociimage.DefaultTag()
	if err != nil {
		t.Fatal(err)
	}
	want := ociimage.DefaultRegistry + "/" + ociimage.AgentName + ":" + tag
	var d appsv1.Deployment
	mustRender(t, goodValues()).into(t, "Deployment", "kubearc-agent", &d)
	pod := d.Spec.Template.Spec
	if got := pod.Containers[0].Image; got != want {
		t.Errorf("default image = %q, make images builds %q", got, want)
	}
	if len(pod.Containers[0].Command) != 0 {
		t.Errorf("command = %v; the image's entrypoint runs the agent", pod.Containers[0].Command)
	}
	if psc := pod.SecurityContext; psc == nil || ptr.Deref(psc.RunAsUser, 0) != ociimage.NonRoot || ptr.Deref(psc.RunAsGroup, 0) != ociimage.NonRoot {
		t.Errorf("pod securityContext = %+v, want the image's user %d", psc, ociimage.NonRoot)
	}

	lint := action.NewLint()
	lint.Strict = true
	lint.Namespace = testNamespace
	result := lint.Run([]string{"kubearc-agent"}, goodValues())
	if result.TotalChartsLinted != 1 || action.HasWarningsOrErrors(result) {
		t.Errorf("helm lint with the default image: %s", fmt.Sprint(result.Messages))
	}
}

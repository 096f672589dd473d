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

package troubleshoot

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxContainerLogBytes bounds the log read of one container.
const maxContainerLogBytes = 5 << 20

// collectContainerLogs reads the recent log of every container of the pods in the agent's
// namespace. The kubelet serves them; where there is none (envtest), each read fails with
// the API server's reason.
func (c *Cluster) collectContainerLogs(ctx context.Context) {
	var pods []corev1.Pod
	c.bundle.Step("the agent's pods for their logs", func() error {
		list, err := c.kube.CoreV1().Pods(c.namespace).List(ctx, metav1.ListOptions{})
		if list != nil {
			pods = list.Items
		}
		return err
	})
	for _, pod := range pods {
		for _, container := range pod.Spec.Containers {
			c.bundle.Step("the log of container "+container.Name+" of pod "+pod.Name, func() error {
				return c.containerLog(ctx, pod.Name, container.Name)
			})
		}
	}
}

func (c *Cluster) containerLog(ctx context.Context, pod, container string) error {
	since, limit := int64(c.since.Seconds()), int64(maxContainerLogBytes)
	opts := &corev1.PodLogOptions{Container: container, SinceSeconds: &since, LimitBytes: &limit, Timestamps: true}
	raw, err := c.kube.CoreV1().Pods(c.namespace).GetLogs(pod, opts).DoRaw(ctx)
	if err != nil {
		return err
	}
	c.bundle.AddText("cluster/"+c.namespace+"/logs/"+pod+"/"+container+".log", redactLog(string(raw)))
	return nil
}
